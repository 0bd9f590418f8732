import { renderReply, unknownPlaceholders } from './reply-template';

const values = { name: 'Budi', phone: '6281234567890', text: 'hello', session: 'default' };

describe('reply templates', () => {
  it('fills every known placeholder, with or without spaces inside the braces', () => {
    expect(renderReply('Hi {{name}} ({{ phone }}), you said "{{text}}" to {{session}}', values)).toBe(
      'Hi Budi (6281234567890), you said "hello" to default',
    );
  });

  it('fills a placeholder used twice and leaves plain text and single braces alone', () => {
    expect(renderReply('{{name}}/{{name}} {x} {{', values)).toBe('Budi/Budi {x} {{');
  });

  it('does not expand placeholders that arrive inside a value', () => {
    expect(renderReply('echo: {{text}}', { ...values, text: '{{name}}' })).toBe('echo: {{name}}');
  });

  it('lists unknown placeholders once each, and none for a valid template', () => {
    expect(unknownPlaceholders('Hi {{name}}, {{ first_name }} {{Name}} {{first_name}} {{}}')).toEqual([
      'first_name',
      'Name',
      '',
    ]);
    expect(unknownPlaceholders('pong {{ text }} {{session}}')).toEqual([]);
    expect(unknownPlaceholders('no placeholders at all')).toEqual([]);
  });
});
