import { unzipSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

export interface Deposit {
  /** The ASCII file's name; must end in .txt, the only .txt of the zip. */
  asciiName: string;
  ascii: Uint8Array;
  /** Supporting documents, under the names the M lines give at position 182. */
  documents: Array<{ name: string; bytes: Uint8Array }>;
}

const TXT = /\.txt$/i;
// Formats that are compressed already: deflating them again costs time and saves nothing.
const STORED = /\.(pdf|jpe?g|png|gif|tiff?|zip|docx|xlsx|odt|ods)$/i;

function checkName(name: string, what: string): void {
  if (typeof name !== 'string' || name === '' || /[\\/\u0000-\u001f]/.test(name) || name === '.' || name === '..') {
    throw new Error(`deposit ${what} name ${JSON.stringify(name)} must be a plain file name (no folder, no control character)`);
  }
}

/**
 * Zips one deposit: the ASCII file and the documents its lines name. Names are compared
 * case-insensitively, as Windows (where Quadra unpacks them) would.
 * `modifiedAt` fixes the entries' date, for byte-identical output; default now.
 */
export function packDeposit(input: Deposit & { modifiedAt?: Date }): Uint8Array {
  const { asciiName, ascii, documents } = input;
  checkName(asciiName, 'ASCII file');
  if (!TXT.test(asciiName)) throw new Error(`deposit ASCII file name ${JSON.stringify(asciiName)} must end in .txt`);
  const files: Zippable = Object.create(null) as Zippable;
  const seen = new Set<string>([asciiName.toLowerCase()]);
  files[asciiName] = ascii;
  for (const { name, bytes } of documents) {
    checkName(name, 'document');
    if (TXT.test(name)) {
      throw new Error(`deposit document ${JSON.stringify(name)} ends in .txt: Quadra would not know which .txt is the entry file`);
    }
    if (seen.has(name.toLowerCase())) throw new Error(`deposit holds two files named ${JSON.stringify(name)}`);
    seen.add(name.toLowerCase());
    files[name] = STORED.test(name) ? [bytes, { level: 0 }] : bytes;
  }
  return zipSync(files, { level: 6, mtime: input.modifiedAt ?? new Date() });
}

/** Opens a deposit zip: its single *.txt entry (any case) is the ASCII file, every other file a document. */
export function unpackDeposit(zip: Uint8Array): Deposit {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (error) {
    throw new Error(`deposit is not a readable zip: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const names = Object.keys(entries).filter((name) => !name.endsWith('/'));
  const asciiNames = names.filter((name) => TXT.test(name));
  if (asciiNames.length !== 1) {
    throw new Error(
      asciiNames.length === 0
        ? `deposit zip holds no ASCII file (*.txt) among ${names.length} file(s)`
        : `deposit zip holds ${asciiNames.length} ASCII files (*.txt): ${asciiNames.join(', ')}; expected exactly one`,
    );
  }
  const asciiName = asciiNames[0]!;
  return {
    asciiName,
    ascii: entries[asciiName]!,
    documents: names.filter((name) => name !== asciiName).map((name) => ({ name, bytes: entries[name]! })),
  };
}
