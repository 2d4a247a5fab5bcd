import { encodePng, type Rgb } from "./png.js";

/** A picture a demo customer can attach: drawn in code, so the demo ships no binary files. */
export interface SamplePicture {
  readonly id: string;
  readonly label: string;
  readonly png: Buffer;
}

const width = 320;
const height = 240;

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const k = Math.min(Math.max(t, 0), 1);
  return [
    Math.round(a[0] + (b[0] - a[0]) * k),
    Math.round(a[1] + (b[1] - a[1]) * k),
    Math.round(a[2] + (b[2] - a[2]) * k),
  ];
}

/** A cardboard box with a dented, torn corner on a table. */
function dentedPackage(x: number, y: number): Rgb {
  const inBox = x > 70 && x < 250 && y > 60 && y < 200;
  const torn = (x - 250) ** 2 + (y - 60) ** 2 < 55 ** 2;
  if (inBox && !torn) {
    if (Math.abs(x - 160) < 14) return [214, 196, 150]; // tape
    const crease = Math.abs(x - 250 + (y - 60)) < 3 && (x - 250) ** 2 + (y - 60) ** 2 < 85 ** 2;
    return crease ? [120, 84, 48] : mix([196, 146, 92], [170, 120, 70], (y - 60) / 140);
  }
  if (y > 200) return mix([150, 110, 80], [120, 86, 60], (y - 200) / 40);
  return mix([236, 232, 226], [214, 208, 200], y / 200);
}

/** A till receipt on a grey desk. */
function receipt(x: number, y: number): Rgb {
  const onPaper = x > 100 && x < 220 && y > 16 && y < 226;
  if (!onPaper) return mix([92, 98, 108], [70, 76, 86], (x + y) / 560);
  const row = (y - 30) % 16;
  const line = y > 30 && y < 200 && row < 5;
  const lineEnd = y > 150 && y < 170 ? 200 : 116 + ((y * 37) % 60);
  if (line && x > 112 && x < lineEnd) return [150, 150, 156];
  if (line && x > 180 && x < 208) return [110, 110, 118];
  return [250, 249, 244];
}

/** A back garden at dusk: sky, sun and a hill. */
function backyard(x: number, y: number): Rgb {
  const hill = 170 + 24 * Math.sin(x / 45);
  if (y > hill) return mix([78, 138, 72], [46, 96, 50], (y - hill) / 70);
  if ((x - 230) ** 2 + (y - 90) ** 2 < 28 ** 2) return [255, 214, 120];
  return mix([120, 170, 230], [250, 190, 150], y / 180);
}

export const samplePictures: readonly SamplePicture[] = [
  { id: "package", label: "Dented package", png: encodePng(width, height, dentedPackage) },
  { id: "receipt", label: "Receipt", png: encodePng(width, height, receipt) },
  { id: "backyard", label: "Backyard", png: encodePng(width, height, backyard) },
];
