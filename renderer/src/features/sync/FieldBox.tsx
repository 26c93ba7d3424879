/**
 * One field in the box its column calls for (refused-fields.ts `boxFor`): a checkbox for yes/no, a
 * select for a closed list, a date box for a date; with, under it, what went wrong with it in words.
 */
import { Checkbox, JsonInput, NativeSelect, Textarea, TextInput } from '@mantine/core';
import type { Box } from './refused-fields.ts';
import { shortId } from './values.ts';

export function FieldBox(props: {
  label: string;
  box: Box;
  held: string | boolean;
  error: string | undefined;
  onChange: (held: string | boolean) => void;
}) {
  const { label, box, held, error, onChange } = props;
  const text = typeof held === 'string' ? held : '';
  const common = { label, error, value: text };
  switch (box.kind) {
    case 'check':
      return (
        <Checkbox
          label={label}
          error={error}
          checked={held === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'choice':
      return (
        <NativeSelect {...common} data={box.options} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'json':
      return <JsonInput {...common} autosize minRows={2} onChange={onChange} />;
    case 'id':
      return <TextInput {...common} value={text ? `…${shortId(text)}` : ''} readOnly variant="filled" />;
    case 'text':
      return box.long ? (
        <Textarea {...common} autosize minRows={2} onChange={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <TextInput {...common} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    default:
      return (
        <TextInput
          {...common}
          type={box.kind === 'date' ? 'date' : box.kind === 'datetime' ? 'datetime-local' : 'text'}
          inputMode={box.kind === 'number' ? 'decimal' : undefined}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}
