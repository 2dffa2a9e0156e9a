import fs from 'node:fs';
import path from 'node:path';

/**
 * A chart is a <canvas>: to a screen reader it is nothing unless it is an image with a name. Every canvas the
 * templates draw carries role="img" and a non-empty aria-label (the numbers themselves are in the tables and
 * lists beside each chart).
 */
function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? templates(full) : entry.name.endsWith('.hbs') ? [full] : [];
  });
}

describe('charts in the templates', () => {
  const canvases = templates(path.join(__dirname, '../../views')).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/<canvas\b[^>]*>/g)].map((m) => ({ file: path.basename(file), tag: m[0] })),
  );

  it('finds the charts (runs, trends, scorecards, dashboard)', () => {
    expect(canvases.length).toBeGreaterThanOrEqual(7);
  });

  it('names every chart as an image', () => {
    const unnamed = canvases.filter(({ tag }) => !/\brole="img"/.test(tag) || !/\baria-label="[^"]+"/.test(tag));
    expect(unnamed).toEqual([]);
  });
});
