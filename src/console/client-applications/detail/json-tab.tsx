import type { ClientApplication } from '../../../model/client-application.ts';
import { CodeBlock } from '../../ui/code-block.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';

// The resource as the server returned it. The FHIR verbs strip `secret` before anything reaches
// the cache, so there is none to show even on servers that return it (SPEC §6).
export function JsonTab({ resource }: { resource: ClientApplication }) {
  const json = JSON.stringify(resource, null, 2);
  return (
    <div>
      <div className="panel-actions">
        <CopyButton text={json} label="Copy JSON" />
      </div>
      <CodeBlock label="ClientApplication JSON">{json}</CodeBlock>
    </div>
  );
}
