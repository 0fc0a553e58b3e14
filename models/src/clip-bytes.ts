/**
 * The GPT-2 / CLIP byte → printable unicode character table: byte-level BPE vocabularies
 * (tokenizer/vocab.json of every SD-family model) spell raw bytes with these characters.
 * Shared by the runtime tokenizer and the fixture vocabulary writer, so both read one table.
 */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
  const table: string[] = new Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}
