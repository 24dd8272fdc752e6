// Draws the app icons (a drop on a mesh of dots) as PNGs with no image library. Run: npx tsx scripts/make-icons.ts
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const GREEN: [number, number, number, number] = [27, 111, 92, 255];
const WHITE: [number, number, number, number] = [255, 255, 255, 255];
const CLEAR: [number, number, number, number] = [0, 0, 0, 0];

/** A drop shape (circle with a pointed top) in unit coordinates centred on (0.5, 0.55), scaled by `s`. */
function inDrop(u: number, v: number, s: number): boolean {
  const cx = 0.5, cy = 0.58, r = 0.2 * s;
  const dx = u - cx, dy = v - cy;
  if (dx * dx + dy * dy <= r * r) return true;
  const top = cy - 0.42 * s;
  if (v < top || v > cy) return false;
  const half = (r * (v - top)) / (cy - top);
  return Math.abs(dx) <= half;
}

function icon(size: number, maskable: boolean): Buffer {
  // Maskable icons keep the motif inside the 80% safe zone and fill the whole square.
  const scale = maskable ? 0.75 : 1;
  return png(size, (x, y) => {
    const u = (x + 0.5) / size, v = (y + 0.5) / size;
    const inBg = maskable || Math.hypot(u - 0.5, v - 0.5) <= 0.48;
    if (!inBg) return CLEAR;
    if (inDrop(0.5 + (u - 0.5) / scale, 0.5 + (v - 0.5) / scale, 1)) return WHITE;
    return GREEN;
  });
}

for (const size of [192, 512]) {
  writeFileSync(`public/icons/icon-${size}.png`, icon(size, false));
  writeFileSync(`public/icons/maskable-${size}.png`, icon(size, true));
}
console.log('icons written to public/icons');
