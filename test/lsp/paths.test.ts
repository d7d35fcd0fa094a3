import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayContainFlow } from '../../server/src/documents.js';
import { isScript, pathToUri, uriToPath } from '../../server/src/paths.js';

describe('document URIs and the pre-check', () => {
  it('map URIs to the paths the graph module reports', () => {
    assert.equal(uriToPath('file:///home/u/my%20flows/pets.ts'), '/home/u/my flows/pets.ts');
    assert.equal(uriToPath('untitled:Untitled-1'), '/__untitled__/Untitled-1');
    assert.equal(
      uriToPath('vscode-remote://ssh-remote+box/home/u/f.tsx'),
      '/__vscode-remote__/ssh-remote+box/home/u/f.tsx',
    );
    assert.equal(uriToPath('file://host/share/f.ts').endsWith('f.ts'), true);
    assert.equal(pathToUri('/a/b.ts', { uri: 'untitled:x', file: '/a/b.ts' }), 'untitled:x');
    assert.equal(pathToUri('/a/c d.ts', { uri: 'untitled:x', file: '/a/b.ts' }), 'file:///a/c%20d.ts');
  });

  it('look at TypeScript and JavaScript only', () => {
    assert.ok(isScript('file:///a.ts', 'typescript'));
    assert.ok(isScript('file:///a.mts', undefined));
    assert.ok(isScript('untitled:x', 'javascriptreact'));
    assert.ok(!isScript('file:///a.md', 'markdown'));
    assert.ok(!isScript('file:///a.json', 'json'));
  });

  it('parse only what may contain a flow', () => {
    assert.ok(mayContainFlow('class A extends FlowSpec {}'));
    assert.ok(mayContainFlow("import { FlowSpec as Base } from 'tsflow';\nclass A extends Base {}"));
    assert.ok(mayContainFlow('class A extends tf.FlowSpec {}'));
    assert.ok(!mayContainFlow('class A extends B {}'));
    assert.ok(!mayContainFlow('// FlowSpec is mentioned but nothing is extended'));
  });
});
