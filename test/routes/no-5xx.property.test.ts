// Property: no request, however malformed, gets a 5xx. The requests are derived from the OpenAPI
// document itself (every operation, its path, query and header parameters and its body schema),
// so a new route is covered without touching this test. Values are mostly well-typed (so they
// reach the database) with hostile strings, extreme numbers and dates, wrong types, extra fields.
// Bounded: PROPERTY_RUNS requests per operation (default 30; bodies get three times as many), so it stays fast in CI.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertListedErrorCode } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { purchase, push } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
// To replay a failure: PROPERTY_SEED=<the seed fast-check printed> PROPERTY_ONLY='post /v1/files/{fileId}/preview'.
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
const ONLY = process.env.PROPERTY_ONLY;
type Schema = Record<string, any>;

const hostileString = fc.oneof(
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => `${a}\u0000${b}`),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u0001',
      '\t',
      '\n',
      '\r',
      '\u007f',
      '\u0085',
      '\u200b',
      '\u202e',
      '\ud800',
      '\udfff',
      'é',
      '😀',
      'a',
      '0',
      '|',
      '%',
      "'",
      '\\',
    ),
    maxLength: 12,
  }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    "'; drop table public.entries; --",
    '%00',
    '../../etc/passwd',
    'é'.repeat(300),
    '9'.repeat(60),
    '+275760-09-13',
    '275760-09-13',
    '0000-01-01',
    '2026-02-31',
    '-infinity',
    'NaN',
    '1e400',
    '{"a":1}',
    '[]',
  ),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 2 ** 31, 2 ** 53, 2 ** 63, 1e308, -1e308, 1e-300, Number.MAX_SAFE_INTEGER + 2),
);
const wild = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 2 }),
);

/** Values the schema accepts (short, plain), so a request gets past validation and into the database. */
function validFor(schema: Schema | undefined, doc: Schema, ids: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant(null);
  if (schema.$ref) return validFor(doc.components.schemas[String(schema.$ref).split('/').pop()!], doc, ids, depth);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Schema) => validFor(s, doc, ids, depth)));
  switch (schema.type) {
    case 'string': {
      if (schema.enum) return fc.constantFrom(...schema.enum);
      if (schema.format === 'uuid') return ids;
      if (schema.format === 'date')
        return fc
          .date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      const min = schema.minLength ?? 0;
      const plain = fc.string({
        unit: fc.constantFrom(...'ABCDEFGHIJ0123456789'),
        minLength: min,
        maxLength: Math.max(min, Math.min(schema.maxLength ?? 12, 12)),
      });
      return schema.example !== undefined
        ? fc.oneof({ weight: 1, arbitrary: fc.constant(schema.example) }, { weight: 4, arbitrary: plain })
        : plain;
    }
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? 0, 0), max: Math.min(schema.maximum ?? 100_000, 100_000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(validFor(schema.items, doc, ids, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
          });
    case 'object': {
      const props = Object.fromEntries(
        Object.entries<Schema>(schema.properties ?? {}).map(([k, s]) => [k, validFor(s, doc, ids, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) });
    }
    default:
      return fc.constant(null);
  }
}

/** The slots of a value: its leaves (strings first-class: they are where text reaches the database) and room for a new field. */
function slotsOf(value: unknown) {
  const strings: Array<{ parent: any; key: string | number }> = [];
  const others: Array<{ parent: any; key: string | number | null }> = [];
  const walk = (v: any) => {
    if (Array.isArray(v))
      v.forEach((x, i) =>
        x !== null && typeof x === 'object' ? walk(x) : (typeof x === 'string' ? strings : others).push({ parent: v, key: i }),
      );
    else if (v !== null && typeof v === 'object') {
      others.push({ parent: v, key: null });
      for (const [k, x] of Object.entries(v))
        x !== null && typeof x === 'object' ? walk(x) : (typeof x === 'string' ? strings : others).push({ parent: v, key: k });
    }
  };
  walk(value);
  return { strings, others };
}

/** One spot of a valid value made hostile (a string leaf most often), or hostile text slipped into some of its strings. */
function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const oneSpot = fc
    .tuple(valid, fc.nat(), fc.nat(3), fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: wild }))
    .map(([value, pick, kind, bad]) => {
      const copy = structuredClone(value);
      const { strings, others } = slotsOf(copy);
      const pool = kind > 0 && strings.length ? strings : others;
      if (!pool.length) return bad;
      const slot = pool[pick % pool.length]!;
      if (slot.key === null) slot.parent[typeof bad === 'string' ? bad.slice(0, 20) : 'x\u0000'] = bad;
      // Half the time a string keeps its valid value with the hostile text appended (so lengths and
      // formats still pass and the text travels further), half the time it is replaced.
      else slot.parent[slot.key] = pool === strings && pick % 2 === 0 && typeof bad === 'string' ? `${slot.parent[slot.key]}${bad}` : bad;
      return copy;
    });
  const sprinkled = fc
    .tuple(
      valid,
      fc.array(
        fc.nat(5).map((n) => n === 0),
        { minLength: 40, maxLength: 40 },
      ),
      fc.constantFrom('\u0000', '\t', '\n', '\u007f', '\u0085', '\ud800', '\u202e'),
    )
    .map(([value, which, ch]) => {
      const copy = structuredClone(value);
      slotsOf(copy).strings.forEach((slot, i) => {
        if (which[i % which.length]) slot.parent[slot.key] = `${slot.parent[slot.key]}${ch}`;
      });
      return copy;
    });
  return fc.oneof({ weight: 3, arbitrary: oneSpot }, { weight: 2, arbitrary: sprinkled });
}

/** Mostly well-typed values with one hostile spot, some untouched, some entirely wild. */
const arbitraryFor = (
  schema: Schema | undefined,
  doc: Schema,
  ids: fc.Arbitrary<string>,
  samples: unknown[] = [],
): fc.Arbitrary<unknown> => {
  const valid = samples.length ? fc.oneof(validFor(schema, doc, ids), fc.constantFrom(...samples)) : validFor(schema, doc, ids);
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 5, arbitrary: mutate(valid) }, { weight: 1, arbitrary: wild });
};

interface Operation {
  method: string;
  path: string;
  op: Schema;
}
interface Request {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: BodyInit;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
const validHeader = (name: string, value: string) => {
  try {
    new Headers({ [name]: value });
    return true;
  } catch {
    return false;
  }
};

function requestFor(
  { method, path, op }: Operation,
  doc: Schema,
  ids: fc.Arbitrary<string>,
  idsByName: Record<string, fc.Arbitrary<string>>,
  samples: Record<string, unknown[]>,
): fc.Arbitrary<Request> {
  const params: Schema[] = op.parameters ?? [];
  // Parameters are single values: valid most of the time (so the route runs), hostile otherwise.
  const param = (s: Schema, validWeight: number, name = '') =>
    fc
      .oneof(
        { weight: validWeight, arbitrary: validFor(s, doc, idsByName[name] ?? ids) },
        { weight: 2, arbitrary: fc.oneof(hostileString, wild) },
      )
      .map(asText);
  const pathParams = Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, param(p.schema, 10, p.name)]));
  const query = Object.fromEntries(
    params
      .filter((p) => p.in === 'query')
      .map((p) => [
        p.name,
        p.name === 'cursor'
          ? fc.oneof(
              hostileString,
              hostileString.map((s) => Buffer.from(s).toString('base64url')),
              fc.tuple(hostileString, fc.uuid()).map(([d, u]) => Buffer.from(`${d}|${u}`).toString('base64url')),
            )
          : param(p.schema, 3),
      ]),
  );
  const headers = Object.fromEntries(params.filter((p) => p.in === 'header').map((p) => [p.name, param(p.schema, 6)]));
  const content = op.requestBody?.content ?? {};
  const body: fc.Arbitrary<{ body?: BodyInit; type?: string }> = content['application/json']
    ? fc.oneof(
        {
          weight: 8,
          arbitrary: arbitraryFor(content['application/json'].schema, doc, ids, samples[`${method} ${path}`]).map((v) => ({
            body: JSON.stringify(v) ?? 'null',
            type: 'application/json',
          })),
        },
        { weight: 1, arbitrary: hostileString.map((s) => ({ body: s, type: 'application/json' })) },
      )
    : content['multipart/form-data']
      ? fc.tuple(hostileString, fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([name, bytes, pdf]) => {
          const form = new FormData();
          form.set('file', new File([pdf ? new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, ...bytes]) : bytes], name));
          return { body: form };
        })
      : fc.constant({});
  const required = (where: string) => params.filter((p) => p.in === where && p.required).map((p) => p.name as string);
  return fc
    .record({
      pathValues: fc.record(pathParams),
      query: fc.record(query, { requiredKeys: required('query') as never[] }),
      headers: fc.record(headers, { requiredKeys: required('header') as never[] }),
      body,
    })
    .map(({ pathValues, query, headers, body }) => ({
      path: path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeURIComponent(Buffer.from(String((pathValues as Record<string, unknown>)[name])).toString()),
      ),
      query: new URLSearchParams(query as Record<string, string>).toString(),
      headers: {
        ...Object.fromEntries(Object.entries(headers as Record<string, string>).filter(([k, v]) => validHeader(k, v))),
        ...(body.type ? { 'content-type': body.type } : {}),
      },
      ...(body.body !== undefined ? { body: body.body } : {}),
    }));
}

describe(`no input makes a 5xx (${engine}, ${RUNS} requests per operation)`, () => {
  let w: World;
  let doc: Schema;
  let ids: fc.Arbitrary<string>;
  let samples: Record<string, unknown[]>;
  let idsByName: Record<string, fc.Arbitrary<string>>;
  const operations: Operation[] = [];
  beforeAll(async () => {
    w = await createWorld();
    const fileId = w.files.get('BOULANG')!;
    const pushed = await push(w, 'BOULANG', [purchase()]);
    // The real ids, so most requests reach the database instead of stopping at "not found".
    ids = fc.constantFrom(w.firmId, fileId, pushed.entries[0]!.id!);
    idsByName = { firmId: fc.constant(w.firmId), fileId: fc.constant(fileId), entryId: fc.constant(pushed.entries[0]!.id!) };
    doc = (await w.t.call('GET', '/openapi.json')).body;
    // Known-good bodies to mutate where a schema alone rarely yields one (balanced lines, real keys);
    // an operation without samples is still covered from its schema.
    const { externalId: _x, ...update } = purchase();
    samples = {
      'post /v1/files/{fileId}/entries': [{ entries: [purchase()] }, { entries: [purchase(), purchase({ supplier: '4010000000' })] }],
      'put /v1/entries/{entryId}': [update],
      'post /v1/firms': [{ name: 'Cabinet Martin', sicCode: '424242' }],
      'put /v1/firms/{firmId}/connection': [
        { cpa: { apiKey: 'cpa-demo-key', secret: 'cpa-demo-secret' }, cfe: { apiKey: 'cfe-demo-key', secret: 'cfe-demo-secret' } },
      ],
    };
    for (const [path, ops] of Object.entries<Schema>(doc.paths))
      for (const [method, op] of Object.entries<Schema>(ops)) operations.push({ method, path, op });
  });
  afterAll(() => w?.close());

  it('covers every operation of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toContain('post /v1/files/{fileId}/entries');
  });

  it('answers every generated request below 500, in the one error shape when it refuses', async () => {
    const failures: string[] = [];
    for (const o of operations.filter((x) => !ONLY || `${x.method} ${x.path}` === ONLY)) {
      await fc.assert(
        fc.asyncProperty(requestFor(o, doc, ids, idsByName, samples), async (r) => {
          const res = await w.t.app.request(`${r.path}${r.query ? `?${r.query}` : ''}`, {
            method: o.method.toUpperCase(),
            headers: { authorization: `Bearer ${w.token}`, ...r.headers },
            ...(r.body !== undefined ? { body: r.body } : {}),
          });
          const text = await res.text();
          if (process.env.PROPERTY_DEBUG && o.path.endsWith('/entries') && o.method === 'post')
            console.log(`STATUS ${res.status} ${text.slice(0, 80)}`);
          if (res.status >= 500) failures.push(`${o.method} ${o.path}: ${res.status} ${text.slice(0, 200)}`);
          // On a 5xx, the service's own error line says why (the answer never does).
          const why =
            res.status >= 500
              ? ` | logged: ${
                  w.t.logLines
                    .filter((l) => /"level":50/.test(l))
                    .at(-1)
                    ?.slice(0, 1500) ?? 'nothing'
                }`
              : '';
          expect(
            res.status,
            `${o.method.toUpperCase()} ${r.path}?${r.query} ${typeof r.body === 'string' ? r.body.slice(0, 300) : ''} -> ${text.slice(0, 300)}${why}`,
          ).toBeLessThan(500);
          // One error shape, and its code is one of the list (src/lib/error-codes.ts) with its status.
          if (res.status >= 400) assertListedErrorCode(res.status, JSON.parse(text), `${o.method.toUpperCase()} ${r.path}`);
        }),
        { numRuns: o.op.requestBody ? RUNS * 3 : RUNS, endOnFailure: true, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('an arbitrary Authorization header is a 401, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (token) => {
        if (!validHeader('authorization', `Bearer ${token}`)) return;
        const res = await w.t.app.request('/v1/firms', { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(401);
        assertListedErrorCode(res.status, await res.json(), 'GET /v1/firms');
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
