/**
 * A QR code encoder (ISO/IEC 18004) for the TOTP set-up screen: byte mode, error correction level
 * M, versions 1–15 (up to 412 bytes — an otpauth:// URI is about 100), the mask with the lowest
 * penalty. Written here rather than taking `qrcode` as a dependency of the client: that package is
 * CommonJS with Node-only parts (PNG, files, streams), which the client's ESM-only, dependency-free
 * browser/React Native build cannot load without a bundler; the encoder needs about 200 lines.
 * test/ui-qr.test.ts checks every module against `qrcode`'s output for the same version and mask.
 */

/** Error-correction codewords per block, and the data codewords of the blocks (level M, versions 1–15). */
const BLOCKS_M: readonly (readonly [ec: number, groups: readonly (readonly [count: number, data: number])[]])[] = [
  [10, [[1, 16]]],
  [16, [[1, 28]]],
  [26, [[1, 44]]],
  [18, [[2, 32]]],
  [24, [[2, 43]]],
  [16, [[4, 27]]],
  [18, [[4, 31]]],
  [22, [[2, 38], [2, 39]]],
  [22, [[3, 36], [2, 37]]],
  [26, [[4, 43], [1, 44]]],
  [30, [[1, 50], [4, 51]]],
  [22, [[6, 36], [2, 37]]],
  [22, [[8, 37], [1, 38]]],
  [24, [[4, 40], [5, 41]]],
  [24, [[5, 41], [5, 42]]],
];

/**
 * The QR code's modules, `true` for dark, indexed `[row][column]`.
 *
 * @example
 * ```ts
 * const { size, modules }: QrCode = encodeQr('otpauth://totp/Shop:alice?secret=JBSWY3DPEHPK3PXP');
 * ```
 */
export interface QrCode {
  version: number;
  mask: number;
  size: number;
  modules: boolean[][];
}

/**
 * Encodes `text` (as UTF-8) at level M in the smallest version that holds it.
 *
 * @example
 * ```ts
 * const { size, modules } = encodeQr('otpauth://totp/Shop:alice?secret=JBSWY3DPEHPK3PXP&issuer=Shop');
 * ```
 */
export function encodeQr(text: string, forceMask?: number): QrCode {
  const bytes = new TextEncoder().encode(text);
  const version = BLOCKS_M.findIndex(([, groups], i) => 4 + countBits(i + 1) + bytes.length * 8 <= dataCodewords(groups) * 8) + 1;
  if (version === 0) throw new RangeError(`Too long for a QR code here (${bytes.length} bytes; at most 412).`);
  const codewords = interleave(version, dataBits(version, bytes));
  const base = new Grid(version);
  base.drawFunctionPatterns();
  base.drawCodewords(codewords);
  let best: Grid | undefined;
  let bestPenalty = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    if (forceMask !== undefined && mask !== forceMask) continue;
    const grid = base.copy();
    grid.applyMask(mask);
    grid.drawFormat(mask);
    const penalty = grid.penalty();
    if (penalty < bestPenalty) [best, bestPenalty] = [grid, penalty];
  }
  return { version, mask: best!.mask, size: best!.size, modules: best!.modules };
}

function countBits(version: number): number {
  return version < 10 ? 8 : 16;
}

function dataCodewords(groups: readonly (readonly [number, number])[]): number {
  return groups.reduce((n, [count, data]) => n + count * data, 0);
}

/** Mode indicator, count, the bytes, terminator, padding to the capacity (0xEC, 0x11 …). */
function dataBits(version: number, bytes: Uint8Array): number[] {
  const capacity = dataCodewords(BLOCKS_M[version - 1]![1]);
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, countBits(version));
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((n, b) => (n << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** Splits the data into blocks, adds each block's Reed–Solomon codewords, interleaves both. */
function interleave(version: number, data: number[]): number[] {
  const [ecLength, groups] = BLOCKS_M[version - 1]!;
  const blocks: number[][] = [];
  let at = 0;
  for (const [count, length] of groups) {
    for (let i = 0; i < count; i++) blocks.push(data.slice(at, (at += length)));
  }
  const divisor = generator(ecLength);
  const ec = blocks.map((block) => remainder(block, divisor));
  const out: number[] = [];
  const longest = Math.max(...blocks.map((b) => b.length));
  for (let i = 0; i < longest; i++) for (const block of blocks) if (i < block.length) out.push(block[i]!);
  for (let i = 0; i < ecLength; i++) for (const block of ec) out.push(block[i]!);
  return out;
}

/** GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1. */
function multiply(a: number, b: number): number {
  let product = 0;
  for (let i = 7; i >= 0; i--) {
    product = (product << 1) ^ ((product >>> 7) * 0x11d);
    product ^= ((b >>> i) & 1) * a;
  }
  return product;
}

/** The generator (x − α^0)(x − α^1)…(x − α^(n−1)), coefficients highest first, the leading 1 left out. */
function generator(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = multiply(result[j]!, root) ^ (result[j + 1] ?? 0);
    }
    root = multiply(root, 0x02);
  }
  return result;
}

function remainder(data: number[], divisor: number[]): number[] {
  const result = new Array<number>(divisor.length).fill(0);
  for (const b of data) {
    const factor = b ^ result.shift()!;
    result.push(0);
    divisor.forEach((coefficient, i) => (result[i]! ^= multiply(coefficient, factor)));
  }
  return result;
}

class Grid {
  readonly size: number;
  modules: boolean[][];
  reserved: boolean[][];
  mask = -1;

  constructor(readonly version: number) {
    this.size = version * 4 + 17;
    this.modules = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.reserved = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
  }

  copy(): Grid {
    const grid = new Grid(this.version);
    grid.modules = this.modules.map((row) => [...row]);
    grid.reserved = this.reserved;
    return grid;
  }

  set(x: number, y: number, dark: boolean): void {
    this.modules[y]![x] = dark;
    this.reserved[y]![x] = true;
  }

  drawFunctionPatterns(): void {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    for (const [x, y] of [[3, 3], [n - 4, 3], [3, n - 4]] as const) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const distance = Math.max(Math.abs(dx), Math.abs(dy));
          if (x + dx >= 0 && x + dx < n && y + dy >= 0 && y + dy < n) this.set(x + dx, y + dy, distance !== 2 && distance !== 4);
        }
      }
    }
    const centres = alignmentCentres(this.version);
    for (const [i, cx] of centres.entries()) {
      for (const [j, cy] of centres.entries()) {
        // Not over the three finder patterns.
        if ((i === 0 && j === 0) || (i === 0 && j === centres.length - 1) || (i === centres.length - 1 && j === 0)) continue;
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }
    this.drawFormat(0); // reserves the format areas (and sets the dark module); redrawn after masking
    if (this.version >= 7) {
      let rem = this.version;
      for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
      const bits = (this.version << 12) | rem;
      for (let i = 0; i < 18; i++) {
        const dark = ((bits >>> i) & 1) === 1;
        const a = n - 11 + (i % 3);
        const b = Math.floor(i / 3);
        this.set(a, b, dark);
        this.set(b, a, dark);
      }
    }
  }

  /** Level M (00) and the mask, BCH(15,5) with 0x537, XOR 0x5412; both copies, and the dark module. */
  drawFormat(mask: number): void {
    this.mask = mask;
    const data = mask; // level M's two bits are 00
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i: number) => ((bits >>> i) & 1) === 1;
    const n = this.size;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(n - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, n - 15 + i, bit(i));
    this.set(8, n - 8, true);
  }

  /** The zigzag: two columns at a time from the right, up then down, skipping the vertical timing column. */
  drawCodewords(codewords: number[]): void {
    const n = this.size;
    let i = 0;
    for (let right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vert = 0; vert < n; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const y = ((right + 1) & 2) === 0 ? n - 1 - vert : vert;
          if (this.reserved[y]![x] || i >= codewords.length * 8) continue;
          this.modules[y]![x] = ((codewords[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  applyMask(mask: number): void {
    const test = MASKS[mask]!;
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) if (!this.reserved[y]![x] && test(x, y)) this.modules[y]![x] = !this.modules[y]![x];
    }
  }

  /** The four penalty rules of ISO/IEC 18004 §7.8.3. */
  penalty(): number {
    const n = this.size;
    const m = this.modules;
    let score = 0;
    const lines = [...m.map((row) => row), ...m.map((_, x) => m.map((row) => row[x]!))];
    for (const line of lines) {
      let run = 1;
      for (let i = 1; i <= n; i++) {
        if (i < n && line[i] === line[i - 1]) run++;
        else {
          if (run >= 5) score += 3 + run - 5;
          run = 1;
        }
      }
      // 1:1:3:1:1 finder-like patterns with four light modules on one side.
      const bits = line.map((d) => (d ? '1' : '0')).join('');
      score += 40 * ((bits.match(/(?=10111010000|00001011101)/g) ?? []).length);
    }
    for (let y = 0; y < n - 1; y++) {
      for (let x = 0; x < n - 1; x++) {
        const c = m[y]![x];
        if (c === m[y]![x + 1] && c === m[y + 1]![x] && c === m[y + 1]![x + 1]) score += 3;
      }
    }
    const dark = m.reduce((sum, row) => sum + row.filter(Boolean).length, 0);
    score += 10 * Math.floor(Math.abs(dark * 20 - n * n * 10) / (n * n));
    return score;
  }
}

const MASKS: readonly ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** Centres of the alignment patterns along one axis (both axes use the same list). */
function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const size = version * 4 + 17;
  const centres = [6];
  for (let pos = size - 7; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
}
