import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { packDeposit, parseAscii, unpackDeposit, writeAsciiFile } from '../../../src/quadra/ascii/index.ts';

const pdf = (seed: number): Uint8Array => {
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
  return bytes;
};

describe('deposit zip', () => {
  const { bytes: ascii } = writeAsciiFile([
    {
      account: '60610000',
      journalCode: 'HA',
      date: '2024-03-15',
      sense: 'D',
      amountCents: 1000,
      label: 'Électricité',
      attachment: '00000001.pdf',
    },
    {
      account: '401EDF',
      journalCode: 'HA',
      date: '2024-03-15',
      sense: 'C',
      amountCents: 1000,
      label: 'Électricité',
      attachment: '00000001.pdf',
    },
    {
      account: '62600000',
      journalCode: 'HA',
      date: '2024-03-16',
      sense: 'D',
      amountCents: 500,
      label: 'Abonnement',
      attachment: '00000002.jpg',
    },
    {
      account: '401ORA',
      journalCode: 'HA',
      date: '2024-03-16',
      sense: 'C',
      amountCents: 500,
      label: 'Abonnement',
      attachment: '00000002.jpg',
    },
  ]);
  const documents = [
    { name: '00000001.pdf', bytes: pdf(1) },
    { name: '00000002.jpg', bytes: pdf(2) },
  ];

  it('round-trips the ASCII file and its documents byte for byte', () => {
    const zip = packDeposit({ asciiName: 'ECRITURES.TXT', ascii, documents });
    const unpacked = unpackDeposit(zip);
    expect(unpacked.asciiName).toBe('ECRITURES.TXT');
    expect(Buffer.from(unpacked.ascii)).toEqual(Buffer.from(ascii));
    expect(unpacked.documents.map((d) => d.name)).toEqual(['00000001.pdf', '00000002.jpg']);
    unpacked.documents.forEach((d, i) => expect(Buffer.from(d.bytes)).toEqual(Buffer.from(documents[i]!.bytes)));
    // Every document a line names is in the zip.
    const names = new Set(unpacked.documents.map((d) => d.name));
    expect(parseAscii(unpacked.ascii).lines.every((l) => names.has(l.attachment))).toBe(true);
  });

  it('is byte-identical for the same input and date', () => {
    const modifiedAt = new Date('2024-03-20T10:00:00Z');
    expect(packDeposit({ asciiName: 'e.txt', ascii, documents, modifiedAt })).toEqual(
      packDeposit({ asciiName: 'e.txt', ascii, documents, modifiedAt }),
    );
  });

  it('packs a deposit without documents', () => {
    expect(unpackDeposit(packDeposit({ asciiName: 'e.txt', ascii, documents: [] })).documents).toEqual([]);
  });

  it('finds the .txt whatever its case and ignores folder entries', () => {
    const zip = zipSync({ 'docs/': new Uint8Array(), 'docs/a.pdf': pdf(3), 'Export.Txt': strToU8('M...') });
    const unpacked = unpackDeposit(zip);
    expect(unpacked.asciiName).toBe('Export.Txt');
    expect(unpacked.documents.map((d) => d.name)).toEqual(['docs/a.pdf']);
  });

  it('refuses a zip with no .txt, or more than one', () => {
    expect(() => unpackDeposit(zipSync({ 'a.pdf': pdf(1) }))).toThrow('deposit zip holds no ASCII file (*.txt) among 1 file(s)');
    expect(() => unpackDeposit(zipSync({ 'a.txt': strToU8('M'), 'B.TXT': strToU8('M') }))).toThrow(
      'deposit zip holds 2 ASCII files (*.txt): a.txt, B.TXT; expected exactly one',
    );
  });

  it('refuses bytes that are not a zip', () => {
    expect(() => unpackDeposit(strToU8('not a zip at all'))).toThrow(/^deposit is not a readable zip/);
  });

  it('refuses deposits Quadra could not unpack unambiguously', () => {
    expect(() => packDeposit({ asciiName: 'e.csv', ascii, documents })).toThrow('must end in .txt');
    expect(() => packDeposit({ asciiName: 'e.txt', ascii, documents: [{ name: 'notes.TXT', bytes: pdf(1) }] })).toThrow('ends in .txt');
    expect(() => packDeposit({ asciiName: 'e.txt', ascii, documents: [...documents, { name: '00000001.PDF', bytes: pdf(4) }] })).toThrow(
      'two files named',
    );
    expect(() => packDeposit({ asciiName: 'e.txt', ascii, documents: [{ name: 'E.TXT', bytes: pdf(1) }] })).toThrow();
    expect(() => packDeposit({ asciiName: 'e.txt', ascii, documents: [{ name: '../x.pdf', bytes: pdf(1) }] })).toThrow('plain file name');
    expect(() => packDeposit({ asciiName: 'dir/e.txt', ascii, documents })).toThrow('plain file name');
  });
});
