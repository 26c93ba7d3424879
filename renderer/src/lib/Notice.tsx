/** What went wrong (red, announced as an alert) or what was done (green, announced politely), in words. */
import { Alert } from '@mantine/core';

export function Problem({ text, title }: { text: string | null; title?: string }) {
  if (!text) return null;
  return (
    <Alert color="red" role="alert" {...(title ? { title } : {})}>
      {text}
    </Alert>
  );
}

export function Done({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <Alert color="teal" role="status">
      {text}
    </Alert>
  );
}
