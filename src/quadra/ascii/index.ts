// Quadra ASCII entry files: writing, reading, and the deposit zip that carries them.
export { writeMLine, writeAscii, writeAsciiFile, AsciiWriteError } from './writer.ts';
export { truncateAccount } from '../../format/quadra-format.ts';
export type { MLineInput, AsciiChange, WrittenLine, WriterOptions } from './writer.ts';
export { foldText } from '../../format/encoding.ts';
export type { FoldResult } from '../../format/encoding.ts';
export { parseAscii, AsciiParseError } from './reader.ts';
export type { ParsedMLine, ParsedOtherRecord, AnalyticLine, ParseOptions, ParsedAscii } from './reader.ts';
export { packDeposit, unpackDeposit } from './zip.ts';
export type { Deposit } from './zip.ts';
export { writeCRecord, parseCRecord, C_LINE_LENGTH, AccountRecordError } from './account-record.ts';
export type { CRecordInput, ParsedCRecord, QuadraAccountType } from './account-record.ts';
