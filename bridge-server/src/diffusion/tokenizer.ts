/**
 * CLIP BPE tokenizer (the slow transformers CLIPTokenizer algorithm, docs/diffusion.md §1.9) read
 * from a model's own tokenizer/vocab.json + merges.txt; fully offline.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToUnicode } from '@synthetic-studio/models';
import { StudioError } from '@synthetic-studio/shared';

const PRETOKENIZE = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;
const CONTROL = /[\p{Cc}\p{Cf}\uFFFD]/gu;

export interface TokenizerOptions {
  /** Sequence length including bos/eos (77 for CLIP). */
  maxLength?: number;
  /** Pad token string; SD-1.x uses `<|endoftext|>`, SD-2.x uses `!`. */
  padToken?: string;
}

export interface EncodeResult {
  /** `maxLength` ids: bos, tokens, eos, padding. */
  ids: number[];
  /** true when tokens beyond maxLength−2 were dropped. */
  truncated: boolean;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly maxLength: number;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();
  private readonly bytes = bytesToUnicode();
  private readonly utf8 = new TextEncoder();

  constructor(readonly vocab: Record<string, number>, merges: string[], opts: TokenizerOptions = {}) {
    merges.forEach((m, i) => this.ranks.set(m, i));
    const id = (tok: string) => {
      const v = vocab[tok];
      if (v === undefined) throw new StudioError('E_MODEL_SIGNATURE', `tokenizer vocab.json has no ${tok} token`);
      return v;
    };
    this.bosId = id('<|startoftext|>');
    this.eosId = id('<|endoftext|>');
    this.padId = id(opts.padToken ?? '<|endoftext|>');
    this.maxLength = opts.maxLength ?? 77;
  }

  /** Load from a `tokenizer/` folder (vocab.json, merges.txt, optional special_tokens_map.json / tokenizer_config.json). */
  static fromFolder(dir: string): ClipTokenizer {
    const vocabPath = join(dir, 'vocab.json');
    const mergesPath = join(dir, 'merges.txt');
    if (!existsSync(vocabPath) || !existsSync(mergesPath)) throw new StudioError('E_MODEL_MISSING', `tokenizer files missing in ${dir} (need vocab.json and merges.txt)`, { dir });
    let vocab: Record<string, number>;
    try { vocab = JSON.parse(readFileSync(vocabPath, 'utf8')); } catch (e) { throw new StudioError('E_MODEL_CORRUPT', `${vocabPath} is not valid JSON: ${(e as Error).message}`); }
    const lines = readFileSync(mergesPath, 'utf8').split('\n');
    const start = lines[0]?.startsWith('#version') ? 1 : 0;
    // the slow tokenizer keeps the first 49152−256−2 merges; a smaller file keeps all of its lines
    const merges = lines.slice(start, start + 49152 - 256 - 2).filter((l) => l.trim().length > 0 && l.includes(' '));
    const opts: TokenizerOptions = {};
    for (const f of ['special_tokens_map.json', 'tokenizer_config.json']) {
      const p = join(dir, f);
      if (!existsSync(p)) continue;
      try {
        const j = JSON.parse(readFileSync(p, 'utf8'));
        const pad = typeof j.pad_token === 'string' ? j.pad_token : j.pad_token?.content;
        if (pad && opts.padToken === undefined) opts.padToken = pad;
        if (typeof j.model_max_length === 'number' && j.model_max_length < 10000) opts.maxLength = j.model_max_length;
      } catch { /* optional file */ }
    }
    return new ClipTokenizer(vocab, merges, opts);
  }

  /** Text cleanup: NFC, drop control chars, collapse whitespace, trim, lowercase. */
  static clean(text: string): string {
    return text.normalize('NFC').replace(CONTROL, '').replace(/\s+/gu, ' ').trim().toLowerCase();
  }

  /** BPE-encode one pre-token (already byte-mapped); returns the symbols. */
  bpe(token: string): string[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    let word = Array.from(token);
    word[word.length - 1] += '</w>';
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const a = word[best];
      const b = word[best + 1];
      // merge every occurrence of the pair, left to right (as the reference implementation does)
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === a && word[i + 1] === b) { next.push(a + b); i++; } else next.push(word[i]);
      }
      word = next;
    }
    this.cache.set(token, word);
    return word;
  }

  /** Token ids of the text without bos/eos/padding. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const m of ClipTokenizer.clean(text).matchAll(PRETOKENIZE)) {
      const piece = m[0];
      if (piece === '<|startoftext|>') { ids.push(this.bosId); continue; }
      if (piece === '<|endoftext|>') { ids.push(this.eosId); continue; }
      const mapped = Array.from(this.utf8.encode(piece), (b) => this.bytes[b]).join('');
      for (const sym of this.bpe(mapped)) ids.push(this.vocab[sym] ?? this.eosId);
    }
    return ids;
  }

  /** `[bos] + ids[:maxLength−2] + [eos]`, padded to maxLength with the pad id. */
  encode(text: string): EncodeResult {
    const ids = this.tokenize(text);
    const room = this.maxLength - 2;
    const body = ids.slice(0, room);
    const out = [this.bosId, ...body, this.eosId];
    while (out.length < this.maxLength) out.push(this.padId);
    return { ids: out, truncated: ids.length > room };
  }

  /** IC-Light style long prompts: 75-token chunks, each `bos … eos` padded with eos to 77. */
  encodeChunks(text: string): number[][] {
    const ids = this.tokenize(text);
    const room = this.maxLength - 2;
    const chunks: number[][] = [];
    for (let i = 0; i < Math.max(ids.length, 1); i += room) {
      const c = [this.bosId, ...ids.slice(i, i + room), this.eosId];
      while (c.length < this.maxLength) c.push(this.eosId);
      chunks.push(c);
    }
    return chunks;
  }
}
