import { useId, useState, type KeyboardEvent } from 'react';
import { describeScope, formatScope, LAUNCH_SCOPES, OIDC_SCOPES, parseScope } from '../../../model/scopes.ts';
import { useAnnouncer } from '../../ui/announcer.tsx';
import { FieldMessages, describedBy } from '../../ui/field.tsx';

// Scope chips (issue 4 §4): each token is checked against the SMART v1/v2 + OIDC grammar as it
// is added, written in canonical form (v1 `.read` becomes v2 `.rs`), and read out in plain words.

const RESOURCE_TYPES = ['Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest', 'Practitioner'];

export function scopeSuggestions(kind: 'backend' | 'user-facing'): string[] {
  if (kind === 'backend') return ['system/*.rs', 'system/*.cruds', ...RESOURCE_TYPES.map((t) => `system/${t}.rs`)];
  return [...OIDC_SCOPES, ...LAUNCH_SCOPES, 'patient/*.rs', 'user/*.rs', ...RESOURCE_TYPES.map((t) => `patient/${t}.rs`)];
}

export function ScopesField({
  value,
  onChange,
  onBlur,
  error,
  kind,
}: {
  value: string[];
  onChange: (scopes: string[]) => void;
  onBlur: () => void;
  error: string | undefined;
  kind: 'backend' | 'user-facing';
}) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-suggestions`;
  const [text, setText] = useState('');
  const [inputError, setInputError] = useState<string>();
  const [note, setNote] = useState<string>();
  const { announce } = useAnnouncer();

  const add = (raw: string) => {
    const tokens = raw.split(/[\s,]+/).filter(Boolean);
    if (tokens.length === 0) return;
    const next = [...value];
    const added: string[] = [];
    const notes: string[] = [];
    for (const token of tokens) {
      const result = parseScope(token);
      if (!result.ok) {
        setInputError(`"${token}": ${result.message}`);
        setText(tokens.slice(tokens.indexOf(token)).join(' '));
        if (added.length > 0) onChange(next);
        return;
      }
      const canonical = formatScope(result.scope);
      if (canonical !== token) notes.push(`${token} is written ${canonical} (SMART v2).`);
      if (!next.includes(canonical)) {
        next.push(canonical);
        added.push(canonical);
      }
    }
    onChange(next);
    setText('');
    setInputError(undefined);
    setNote(notes.length > 0 ? notes.join(' ') : undefined);
    announce(added.length > 0 ? `Added ${added.join(', ')}` : 'Already in the list');
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      add(text);
    } else if (event.key === 'Backspace' && text === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  const remove = (scope: string) => {
    onChange(value.filter((s) => s !== scope));
    announce(`Removed ${scope}`);
  };

  const suggestions = scopeSuggestions(kind).filter((s) => !value.includes(s));
  const shownError = inputError ?? error;
  return (
    <fieldset className="fieldset">
      <legend>Scopes</legend>
      <p className="field-hint">What the app may ask for. Apps get only scopes within this list.</p>
      {value.length > 0 ? (
        <ul className="scope-list" aria-label="Granted scopes">
          {value.map((scope) => {
            const parsed = parseScope(scope);
            return (
              <li key={scope} className={`scope-item ${parsed.ok ? '' : 'scope-invalid'}`}>
                <code className="chip">{scope}</code>
                <span className="scope-description">{parsed.ok ? describeScope(parsed.scope) : parsed.message}</span>
                <button type="button" className="button button-quiet" aria-label={`Remove scope ${scope}`} onClick={() => remove(scope)}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">No scopes yet.</p>
      )}
      <div className="field">
        <label htmlFor={inputId}>Add scopes</label>
        <div className="input-with-button">
          <input
            id={inputId}
            type="text"
            list={listId}
            value={text}
            autoComplete="off"
            spellCheck={false}
            placeholder="patient/Observation.rs"
            aria-invalid={shownError ? true : undefined}
            aria-describedby={describedBy(inputId, true, shownError)}
            onChange={(event) => {
              setText(event.target.value);
              setInputError(undefined);
            }}
            onKeyDown={handleKeyDown}
            onBlur={onBlur}
          />
          <button type="button" className="button" onClick={() => add(text)} disabled={text.trim() === ''}>
            Add
          </button>
        </div>
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <FieldMessages
          id={inputId}
          hint={note ?? 'Press Enter to add. SMART scopes read context/Type.permissions, e.g. patient/Observation.rs (read and search).'}
          error={shownError}
        />
      </div>
      {suggestions.length > 0 && (
        <div className="suggestions">
          <span className="muted" id={`${id}-suggested`}>
            Suggestions:
          </span>
          <ul className="chip-list" aria-labelledby={`${id}-suggested`}>
            {suggestions.slice(0, 10).map((s) => (
              <li key={s}>
                <button type="button" className="chip chip-button" aria-label={`Add scope ${s}`} onClick={() => add(s)}>
                  + {s}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </fieldset>
  );
}
