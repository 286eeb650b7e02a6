// A parameterised statement written out as one literal statement, for the simple query protocol,
// which is the only way node-postgres sends several statements in one message (see
// Database.read). The values become quoted literals of unknown type, which Postgres resolves
// exactly as it resolves the untyped text parameters node-postgres sends otherwise — `$1::uuid`,
// `limit $2` and `x = $1` mean the same either way.
import pg from 'pg';

/**
 * One value as a quoted literal: text, finite numbers, booleans, null and arrays of those — what
 * the reads pass. Anything else (a Date, whose text node-postgres writes in local time; a bigint;
 * an object) is refused rather than written differently from a parameter.
 */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return pg.escapeLiteral(text(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`);
    return `'${v}'`;
  }
  if (typeof v === 'boolean') return v ? "'true'" : "'false'";
  if (Array.isArray(v)) return pg.escapeLiteral(arrayText(v));
  throw new TypeError(`no literal form for a ${Object.prototype.toString.call(v)}; use a parameter (asUser)`);
}

// A NUL cannot travel in a query message (the server would drop the connection's message as
// malformed); as a parameter it is refused as text the database cannot hold, and so here.
function text(v: string): string {
  if (v.includes('\u0000')) throw Object.assign(new Error('invalid byte sequence: text cannot contain NUL'), { code: '22021' });
  return v;
}

// Postgres's array input syntax, every element double-quoted (so commas, braces and spaces in a
// value stay inside it) and NULL bare.
function arrayText(items: unknown[]): string {
  return `{${items
    .map((x) => {
      if (x === null || x === undefined) return 'NULL';
      if (Array.isArray(x)) return arrayText(x);
      const s =
        typeof x === 'string'
          ? text(x)
          : typeof x === 'number' && Number.isFinite(x)
            ? String(x)
            : typeof x === 'boolean'
              ? String(x)
              : undefined;
      if (s === undefined) throw new TypeError(`no array element form for a ${Object.prototype.toString.call(x)}`);
      return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    })
    .join(',')}}`;
}

/**
 * `sql` with each `$n` outside quotes and comments replaced by the literal of `params[n-1]`.
 * Refuses what it cannot read safely: dollar-quoted bodies, escape strings, `$` inside a name, a
 * `$n` without a value.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  const t = template(sql);
  let out = t.texts[0]!;
  for (let k = 0; k < t.refs.length; k++) {
    const n = t.refs[k]!;
    if (n < 1 || n > params.length) throw new Error(`no value for $${n}`);
    out += literal(params[n - 1]) + t.texts[k + 1]!;
  }
  return out;
}

interface Template {
  texts: string[];
  refs: number[];
}
// The statements are the repositories' own, so there are few; each is read once.
const templates = new Map<string, Template>();
const MAX_TEMPLATES = 1_000;

function template(sql: string): Template {
  const known = templates.get(sql);
  if (known) return known;
  const t = split(sql);
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(sql, t);
  return t;
}

function split(sql: string): Template {
  const texts: string[] = [];
  const refs: number[] = [];
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      if (c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? ''))
        throw new Error('escape strings are not supported here');
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error('unterminated quote in statement');
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      i = j + 1;
    } else if (c === '-' && next === '-') {
      // To the end of the line, which Postgres also ends at a carriage return.
      const m = /[\r\n]/.exec(sql.slice(i));
      i = m ? i + m.index : sql.length;
    } else if (c === '/' && next === '*') {
      // Block comments nest in Postgres: /* a /* b */ still a comment */.
      let depth = 1;
      let j = i + 2;
      while (depth > 0) {
        if (j >= sql.length) throw new Error('unterminated comment in statement');
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      i = j;
    } else if (c === ';') {
      // One statement: the message's COMMIT must follow it.
      throw new Error('one statement only: a ";" outside quotes');
    } else if (c === '$') {
      const m = /^\$(\d+)(?![\w$])/.exec(sql.slice(i, i + 12));
      if (!m || /[\w$]/.test(sql[i - 1] ?? '')) throw new Error('dollar quoting and $ inside names are not supported here');
      texts.push(sql.slice(from, i));
      refs.push(Number(m[1]));
      i += m[0].length;
      from = i;
    } else {
      i++;
    }
  }
  texts.push(sql.slice(from));
  return { texts, refs };
}

/** A named set of enum values as an SQL list, `('a', 'b')`, for `status in ${sqlIn(SET)}`. */
export const sqlIn = (values: readonly string[]): string => `(${values.map((v) => pg.escapeLiteral(text(v))).join(', ')})`;
