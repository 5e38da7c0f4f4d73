#!/usr/bin/env node
// Draws images/icon.png (128x128, the marketplace icon) with no image library: signed-distance shapes,
// 4x4 supersampling, written as an RGBA PNG with node's zlib. A blue rounded square; a white ring (the "O")
// broken at the top by a query cursor; amber dots for the data points.
//   node test/e2e/makeIcon.mjs [out.png]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { ROOT } from './lib.mjs';

const SIZE = 128;
const out = process.argv[2] ?? path.join(ROOT, 'images/icon.png');
const BLUE = [11, 92, 173], WHITE = [255, 255, 255], AMBER = [255, 185, 0];

const roundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;

// shapes in paint order: [distance function, colour]
const shapes = [
  [(x, y) => roundRect(x, y, 64, 64, 60, 60, 24), BLUE],
  [(x, y) => {
    const ring = Math.abs(circle(x, y, 58, 66, 34)) - 9;
    const gap = roundRect(x, y, 92, 34, 13, 13, 0); // the ring opens towards the top right
    return Math.max(ring, -gap);
  }, WHITE],
  [(x, y) => roundRect(x, y, 98, 28, 5, 18, 3), WHITE],   // the cursor
  [(x, y) => circle(x, y, 58, 66, 11), AMBER],
  [(x, y) => circle(x, y, 98, 60, 6), AMBER],
];

const pixels = Buffer.alloc(SIZE * SIZE * 4);
const SS = 4;
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
        let colour = null;
        for (const [distance, fill] of shapes) if (distance(x, y) <= 0) colour = fill;
        if (colour) { r += colour[0]; g += colour[1]; b += colour[2]; a += 1; }
      }
    }
    const i = (py * SIZE + px) * 4;
    pixels[i] = a ? Math.round(r / a) : 0;
    pixels[i + 1] = a ? Math.round(g / a) : 0;
    pixels[i + 2] = a ? Math.round(b / a) : 0;
    pixels[i + 3] = Math.round((a / (SS * SS)) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0); header.writeUInt32BE(SIZE, 4);
header[8] = 8; header[9] = 6; // 8-bit RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, png);
console.log(`wrote ${path.relative(process.cwd(), out)} (${SIZE}x${SIZE}, ${png.length} bytes)`);
