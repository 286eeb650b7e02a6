// What a rule says about an entry: a code that never changes with the language, a message for a
// person, the field it concerns. And the one rule for any text Quadra holds in 30 bytes (an entry's
// label, an account's label): characters Windows-1252 lacks are folded, and the rest cut at 30,
// each said once, never refused.
import { quadraLabel } from '../../format/quadra-format.ts';
import { text } from '../../i18n/index.ts';

export interface Issue {
  code: string;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
}

/** Which label the warnings speak of: the entry's own, or the hub's label for an account. */
const WORDS = {
  label: { folded: 'label_folded', cut: 'label_truncated' },
  account_label: { folded: 'account_label_folded', cut: 'account_label_truncated' },
} as const;

export function labelWarnings(written: string | undefined, field: string, of: keyof typeof WORDS = 'label'): Issue[] {
  if (!written) return [];
  const codes = WORDS[of];
  const q = quadraLabel(written);
  const out: Issue[] = [];
  if (q.folded.length) {
    // The entry's label reports the whole folded text (it is cut apart, at 20 and 30); an account's, the 30 sent.
    const shown = of === 'label' ? q.full : q.text;
    out.push({
      code: codes.folded,
      field,
      message: text(`issue.${codes.folded}`, { characters: q.folded.join(' '), label: shown }),
      details: { from: written, to: shown, characters: q.folded },
    });
  }
  if (q.cut) {
    out.push({
      code: codes.cut,
      field,
      message: text(`issue.${codes.cut}`, { label: q.text }),
      details: { from: written, to: q.text },
    });
  }
  return out;
}
