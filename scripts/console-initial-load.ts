import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

// What a browser must load for the console's page before its first paint, in a build made with
// `--manifest`: index.html's entry script, its modulepreloads and the entry's static imports
// (from the manifest), its stylesheets, and its own inline script and styles (vite.config.ts puts
// the silent sign-in's start and the stylesheet there). Route chunks load on navigation and are
// not counted. One definition for the budget test (src/console/bundle-budget.test.ts) and the
// bench (bench/sections/console.ts), so the two report the same figure.

export type LoadedPart = { file: string; bytes: number; gzipBytes: number };

type ManifestChunk = { file: string; name?: string; src?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] };

const gzipBytes = (content: Buffer) => zlib.gzipSync(content, { level: 9 }).length;

export function consoleInitialLoad(dir: string): {
  js: LoadedPart[];
  css: LoadedPart[];
  inline: { scripts: number; styles: number };
  /** The entry's route chunks (loaded on navigation), by name, with the chunks each imports. */
  routes: { name: string; file: string; imports: string[]; gzipBytes: number }[];
} {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entry = manifest['index.html'];
  if (!entry?.isEntry) throw new Error(`${dir}: the build has no index.html entry chunk`);
  const attr = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => (m[1] ?? '').replace(/^\//, ''));
  const js = new Set([...attr(/<script[^>]*type="module"[^>]*src="([^"]+)"/g), ...attr(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)]);
  const css = new Set(attr(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g));
  const visit = (chunk: ManifestChunk | undefined) => {
    if (!chunk) return;
    js.add(chunk.file);
    // The build puts the entry's stylesheet inline and drops its file (counted below, as inline).
    chunk.css?.forEach((file) => fs.existsSync(path.join(dir, file)) && css.add(file));
    chunk.imports?.forEach((key) => !js.has(manifest[key]?.file ?? '') && visit(manifest[key]));
  };
  visit(entry);
  const file = (name: string): LoadedPart => {
    const content = fs.readFileSync(path.join(dir, name));
    return { file: name, bytes: content.length, gzipBytes: gzipBytes(content) };
  };
  const inlined = (tag: 'script' | 'style') =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match): LoadedPart => {
      const content = Buffer.from(match[1] ?? '');
      return { file: `index.html (inline ${tag})`, bytes: content.length, gzipBytes: gzipBytes(content) };
    });
  const scripts = inlined('script');
  const styles = inlined('style');
  const routes = (entry.dynamicImports ?? []).flatMap((key) => {
    const chunk = manifest[key];
    return chunk ? [{ name: chunk.name ?? chunk.file, file: chunk.file, imports: chunk.imports ?? [], gzipBytes: file(chunk.file).gzipBytes }] : [];
  });
  return {
    js: [...[...js].map(file), ...scripts],
    css: [...[...css].map(file), ...styles],
    inline: { scripts: scripts.length, styles: styles.length },
    routes,
  };
}
