import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToUnicode, buildClipVocab } from '@synthetic-studio/models';
import { ClipTokenizer } from '../../src/diffusion/index.js';
import { fixtureDir } from './helpers.js';

/** A hand-made CLIP-layout vocab: 256 bytes, 256 bytes+</w>, the given merges, specials. */
function miniVocab(merges: string[]): Record<string, number> {
  const t = bytesToUnicode();
  const order: number[] = [];
  for (let b = 33; b <= 126; b++) order.push(b);
  for (let b = 161; b <= 172; b++) order.push(b);
  for (let b = 174; b <= 255; b++) order.push(b);
  for (let b = 0; b < 256; b++) if (!order.includes(b)) order.push(b);
  const v: Record<string, number> = {};
  order.forEach((b, i) => { v[t[b]] = i; v[t[b] + '</w>'] = 256 + i; });
  merges.forEach((m, i) => (v[m.replace(' ', '')] = 512 + i));
  v['<|startoftext|>'] = 512 + merges.length;
  v['<|endoftext|>'] = 513 + merges.length;
  return v;
}

test('BPE merges by rank, with </w> on the last symbol', () => {
  const merges = ['l o', 'lo w</w>', 'e r</w>', 'lo w'];
  const tok = new ClipTokenizer(miniVocab(merges), merges);
  const v = tok.vocab;
  assert.deepEqual(tok.bpe('low'), ['low</w>']);
  assert.deepEqual(tok.bpe('lower'), ['low', 'er</w>']); // 'e r</w>' (rank 2) before 'lo w' (rank 3)
  assert.deepEqual(tok.bpe('x'), ['x</w>']);
  assert.deepEqual(tok.tokenize('Low, LOWER!'), [v['low</w>'], v[',</w>'], v['low'], v['er</w>'], v['!</w>']]);
});

test('single-character tokens get the same ids as the real CLIP vocab (§1.9 reference)', () => {
  const tok = new ClipTokenizer(miniVocab([]), []);
  // 'a photo of a cat' → 49406 320 … 320 …; 'Hello, world!' → … 267 … 256 49407 in openai/clip-vit-large-patch14
  assert.equal(tok.tokenize('a')[0], 320);
  assert.equal(tok.tokenize(',')[0], 267);
  assert.equal(tok.tokenize('!')[0], 256);
  // punctuation runs are one pre-token; letters and digits split as in CLIP's regex
  assert.deepEqual(tok.tokenize('a1'), [tok.vocab['a</w>'], tok.vocab['1</w>']]);
});

test('non-ASCII text goes through the byte-level table', () => {
  const tok = new ClipTokenizer(miniVocab([]), []);
  // 'é' = UTF-8 C3 A9 → 'Ã' (0xC3 maps to itself) then '©</w>' (0xA9 maps to itself)
  assert.deepEqual(tok.tokenize('é'), [tok.vocab['Ã'], tok.vocab['©</w>']]);
  // a space byte never appears: whitespace separates pre-tokens; control chars are dropped
  assert.deepEqual(tok.tokenize('a\u0000 \t a'), tok.tokenize('a a'));
});

test('encode: bos + ids + eos, padded to 77 with the pad token, truncated at 75', () => {
  const fx = fixtureDir(5);
  const tok = ClipTokenizer.fromFolder(join(fx.sd, 'tokenizer'));
  const { vocab } = buildClipVocab();
  const r = tok.encode('a photo of a cat');
  assert.deepEqual(r.ids.slice(0, 7), [tok.bosId, 320, vocab['photo</w>'], vocab['of</w>'], 320, vocab['cat</w>'], tok.eosId]);
  assert.equal(r.ids.length, 77);
  assert.ok(r.ids.slice(7).every((x) => x === tok.eosId), 'SD-1.x pads with <|endoftext|>');
  assert.equal(r.truncated, false);
  assert.deepEqual(tok.encode('A  PHOTO of a Cat').ids, r.ids, 'case and whitespace insensitive');
  assert.deepEqual(tok.encode('').ids.slice(0, 3), [tok.bosId, tok.eosId, tok.eosId]);
  const long = tok.encode(Array(100).fill('cat').join(' '));
  assert.equal(long.truncated, true);
  assert.equal(long.ids[76], tok.eosId);
  assert.equal(long.ids.filter((x) => x === vocab['cat</w>']).length, 75);
  const chunks = tok.encodeChunks(Array(100).fill('cat').join(' '));
  assert.equal(chunks.length, 2);
  assert.equal(chunks[1].filter((x) => x === vocab['cat</w>']).length, 25);
  // SD-2 style pad token '!'
  const sd2 = new ClipTokenizer(tok.vocab, [], { padToken: '!' });
  assert.equal(sd2.encode('a').ids[5], 0);
});

// Opt-in: the real openai CLIP vocab (not shipped here). Point CLIP_TOKENIZER_DIR at a folder with vocab.json + merges.txt.
const realDir = process.env.CLIP_TOKENIZER_DIR;
test('real CLIP vocab reproduces the reference ids', { skip: !realDir || !existsSync(join(realDir ?? '', 'vocab.json')) ? 'CLIP_TOKENIZER_DIR not set' : false }, () => {
  const tok = ClipTokenizer.fromFolder(realDir!);
  const head = (s: string, n: number) => tok.encode(s).ids.slice(0, n);
  assert.deepEqual(head('a photo of a cat', 8), [49406, 320, 1125, 539, 320, 2368, 49407, 49407]);
  assert.deepEqual(head('Hello, world!', 6), [49406, 3306, 267, 1002, 256, 49407]);
  assert.deepEqual(head('a photo of an astronaut riding a horse on mars', 12), [49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407]);
});
