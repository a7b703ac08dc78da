/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: the extension host require()s this file */
// extensionTestsPath of the fixture suite: the harness's own self-test.
'use strict';
const path = require('node:path');
const { runMocha } = require('../../lib/mochaRunner.cjs');

exports.run = () => runMocha({ name: 'fixture', files: [path.join(__dirname, 'fixture.test.js')] });
