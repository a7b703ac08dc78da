import * as esbuild from 'esbuild';
const r = await esbuild.build({ entryPoints: { compare: 'webview/compare/main.ts' }, outdir: '/tmp/cmpout', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', loader: { '.css': 'text' }, metafile: true, minify: true, logLevel: 'warning' });
console.log(Object.entries(r.metafile.outputs).map(([k, v]) => `${k} ${v.bytes}`).join('\n'));
