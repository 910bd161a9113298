// NHS design system components as hono/jsx, with the markup of nhsuk-frontend's own templates,
// so its styles and scripts apply. Every field takes its error and shows it inline; the page
// shows the same errors in the error summary at the top.
import { randomUUID } from 'node:crypto';
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { BidState } from '../shared.js';
import { STATE_COLOURS, stateLabel } from './format.js';

export interface FieldError {
  /** The id of the field to focus: the input's id, or the first input of a group. */
  field: string;
  message: string;
  /** Where the summary's link leads when the field is on another page (a step of a form). */
  href?: string;
}

export type Errors = Record<string, string>;

export const fieldId = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-');

export const ErrorSummary: FC<{ errors: FieldError[] }> = ({ errors }) =>
  errors.length === 0 ? null : (
    <div class="nhsuk-error-summary" data-module="nhsuk-error-summary">
      <div role="alert">
        <h2 class="nhsuk-error-summary__heading">There is a problem</h2>
        <div class="nhsuk-error-summary__body">
          <ul class="nhsuk-list nhsuk-error-summary__list">
            {errors.map((e) => (
              <li>
                <a href={e.href ?? `#${e.field}`}>{e.message}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );

const ErrorMessage: FC<{ id: string; message?: string }> = ({ id, message }) =>
  message ? (
    <span class="nhsuk-error-message" id={`${id}-error`}>
      <span class="nhsuk-u-visually-hidden">Error: </span>
      {message}
    </span>
  ) : null;

const Hint: FC<{ id: string; hint?: Child }> = ({ id, hint }) =>
  hint ? (
    <div class="nhsuk-hint" id={`${id}-hint`}>
      {hint}
    </div>
  ) : null;

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

interface FieldProps {
  name: string;
  label: Child;
  hint?: Child;
  error?: string;
  id?: string;
  /** The label as the page's h1, for a one-question page. */
  pageHeading?: boolean;
}

const Label: FC<{ id: string; label: Child; pageHeading?: boolean }> = ({ id, label, pageHeading }) =>
  pageHeading ? (
    <h1 class="nhsuk-label-wrapper">
      <label class="nhsuk-label nhsuk-label--l" for={id}>
        {label}
      </label>
    </h1>
  ) : (
    <label class="nhsuk-label" for={id}>
      {label}
    </label>
  );

export const TextInput: FC<
  FieldProps & { value?: string | number | null; type?: string; width?: 2 | 3 | 4 | 5 | 10 | 20 | 30; inputmode?: 'numeric' | 'decimal' | 'text' | 'email' | 'tel' | 'url' | 'search' | 'none'; autocomplete?: string; prefix?: string; spellcheck?: boolean }
> = ({ name, label, hint, error, id, pageHeading, value, type = 'text', width, inputmode, autocomplete, prefix, spellcheck }) => {
  const fid = id ?? fieldId(name);
  const classes = ['nhsuk-input', error ? 'nhsuk-input--error' : '', width ? `nhsuk-input--width-${width}` : ''].filter(Boolean).join(' ');
  const input = (
    <input
      class={classes}
      id={fid}
      name={name}
      type={type}
      value={value === null || value === undefined ? undefined : String(value)}
      aria-describedby={describedBy(fid, hint, error)}
      inputmode={inputmode}
      autocomplete={autocomplete}
      spellcheck={spellcheck}
    />
  );
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <Label id={fid} label={label} pageHeading={pageHeading} />
      <Hint id={fid} hint={hint} />
      <ErrorMessage id={fid} message={error} />
      {prefix ? (
        <div class="nhsuk-input-wrapper">
          <div class="nhsuk-input__prefix" aria-hidden="true">
            {prefix}
          </div>
          {input}
        </div>
      ) : (
        input
      )}
    </div>
  );
};

export const TextArea: FC<FieldProps & { value?: string | null; rows?: number }> = ({ name, label, hint, error, id, pageHeading, value, rows = 5 }) => {
  const fid = id ?? fieldId(name);
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <Label id={fid} label={label} pageHeading={pageHeading} />
      <Hint id={fid} hint={hint} />
      <ErrorMessage id={fid} message={error} />
      <textarea class={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`} id={fid} name={name} rows={rows} aria-describedby={describedBy(fid, hint, error)}>
        {value ?? ''}
      </textarea>
    </div>
  );
};

export interface Option {
  value: string;
  label: Child;
  hint?: Child;
}

export const Select: FC<FieldProps & { options: Option[]; value?: string | null; placeholder?: string }> = ({ name, label, hint, error, id, options, value, placeholder }) => {
  const fid = id ?? fieldId(name);
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <Label id={fid} label={label} />
      <Hint id={fid} hint={hint} />
      <ErrorMessage id={fid} message={error} />
      <select class={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`} id={fid} name={name} aria-describedby={describedBy(fid, hint, error)}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
};

interface ChoiceProps {
  name: string;
  legend: Child;
  hint?: Child;
  error?: string;
  options: Option[];
  /** The legend as the page's h1, for a one-question page. */
  pageHeading?: boolean;
  legendSize?: 's' | 'm' | 'l';
}

const Legend: FC<{ legend: Child; pageHeading?: boolean; size?: 's' | 'm' | 'l' }> = ({ legend, pageHeading, size = 'm' }) => (
  <legend class={`nhsuk-fieldset__legend nhsuk-fieldset__legend--${pageHeading ? 'l' : size}`}>
    {pageHeading ? <h1 class="nhsuk-fieldset__heading">{legend}</h1> : legend}
  </legend>
);

export const Radios: FC<ChoiceProps & { value?: string | null; inline?: boolean }> = ({ name, legend, hint, error, options, value, inline, pageHeading, legendSize }) => {
  const base = fieldId(name);
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset class="nhsuk-fieldset" aria-describedby={describedBy(base, hint, error)}>
        <Legend legend={legend} pageHeading={pageHeading} size={legendSize} />
        <Hint id={base} hint={hint} />
        <ErrorMessage id={base} message={error} />
        <div class={`nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}`} data-module="nhsuk-radios">
          {options.map((o, i) => {
            const oid = i === 0 ? base : `${base}-${i + 1}`;
            return (
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id={oid} name={name} type="radio" value={o.value} checked={o.value === value} aria-describedby={o.hint ? `${oid}-item-hint` : undefined} />
                <label class="nhsuk-label nhsuk-radios__label" for={oid}>
                  {o.label}
                </label>
                {o.hint ? (
                  <div class="nhsuk-hint nhsuk-radios__hint" id={`${oid}-item-hint`}>
                    {o.hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
};

export const Checkboxes: FC<ChoiceProps & { values?: readonly string[] }> = ({ name, legend, hint, error, options, values = [], pageHeading, legendSize }) => {
  const base = fieldId(name);
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset class="nhsuk-fieldset" aria-describedby={describedBy(base, hint, error)}>
        <Legend legend={legend} pageHeading={pageHeading} size={legendSize} />
        <Hint id={base} hint={hint} />
        <ErrorMessage id={base} message={error} />
        <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
          {options.map((o, i) => {
            const oid = i === 0 ? base : `${base}-${i + 1}`;
            return (
              <div class="nhsuk-checkboxes__item">
                <input class="nhsuk-checkboxes__input" id={oid} name={name} type="checkbox" value={o.value} checked={values.includes(o.value)} />
                <label class="nhsuk-label nhsuk-checkboxes__label" for={oid}>
                  {o.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
};

/** A date as day, month and year boxes; `value` is YYYY-MM-DD or the parts as typed. */
export const DateInput: FC<{ name: string; legend: Child; hint?: Child; error?: string; value?: { day?: string; month?: string; year?: string } }> = ({
  name,
  legend,
  hint,
  error,
  value = {},
}) => {
  const base = fieldId(name);
  const part = (key: 'day' | 'month' | 'year', label: string, width: 2 | 4) => (
    <div class="nhsuk-date-input__item">
      <div class="nhsuk-form-group">
        <label class="nhsuk-label nhsuk-date-input__label" for={`${base}-${key}`}>
          {label}
        </label>
        <input
          class={`nhsuk-input nhsuk-input--width-${width} nhsuk-date-input__input${error ? ' nhsuk-input--error' : ''}`}
          id={`${base}-${key}`}
          name={`${name}.${key}`}
          type="text"
          inputmode="numeric"
          value={value[key]}
        />
      </div>
    </div>
  );
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset class="nhsuk-fieldset" role="group" aria-describedby={describedBy(base, hint, error)}>
        <Legend legend={legend} />
        <Hint id={base} hint={hint} />
        <ErrorMessage id={base} message={error} />
        <div class="nhsuk-date-input" id={base}>
          {part('day', 'Day', 2)}
          {part('month', 'Month', 2)}
          {part('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
};

export const SummaryList: FC<{ rows: { key: Child; value: Child; action?: { href: string; text: string; hidden: string } }[]; noBorder?: boolean }> = ({ rows, noBorder }) => (
  <dl class={`nhsuk-summary-list${noBorder ? ' nhsuk-summary-list--no-border' : ''}`}>
    {rows.map((row) => (
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">{row.key}</dt>
        <dd class="nhsuk-summary-list__value">{row.value}</dd>
        {row.action ? (
          <dd class="nhsuk-summary-list__actions">
            <a class="nhsuk-link" href={row.action.href}>
              {row.action.text}
              <span class="nhsuk-u-visually-hidden"> {row.action.hidden}</span>
            </a>
          </dd>
        ) : null}
      </div>
    ))}
  </dl>
);

export const Table: FC<{ caption?: Child; captionSize?: 's' | 'm' | 'l'; head: Child[]; rows: Child[][]; numeric?: number[]; rowHeaders?: boolean }> = ({
  caption,
  captionSize = 'm',
  head,
  rows,
  numeric = [],
  rowHeaders,
}) => {
  // A wide table scrolls on its own, inside the page, on a narrow screen (WCAG 1.4.10 allows a
  // table two dimensions): the region is named by the caption and takes focus, so a keyboard scrolls it.
  const id = `table-${randomUUID().slice(0, 8)}`;
  return (
    <div class="cp-table-region" role="region" tabindex={0} aria-labelledby={caption ? id : undefined} aria-label={caption ? undefined : 'Table'}>
      <table class="nhsuk-table">
        {caption ? <caption class={`nhsuk-table__caption nhsuk-table__caption--${captionSize}`} id={id}>{caption}</caption> : null}
        <thead class="nhsuk-table__head">
          <tr class="nhsuk-table__row">
            {head.map((h, i) => (
              <th class={`nhsuk-table__header${numeric.includes(i) ? ' nhsuk-table__header--numeric' : ''}`} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          {rows.map((row) => (
            <tr class="nhsuk-table__row">
              {row.map((cell, i) =>
                i === 0 && rowHeaders ? (
                  <th class="nhsuk-table__header" scope="row">
                    {cell}
                  </th>
                ) : (
                  <td class={`nhsuk-table__cell${numeric.includes(i) ? ' nhsuk-table__cell--numeric' : ''}`}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

export const Tag: FC<PropsWithChildren<{ colour?: string }>> = ({ colour, children }) => <strong class={`nhsuk-tag${colour ? ` nhsuk-tag--${colour}` : ''}`}>{children}</strong>;

export const StateTag: FC<{ state: string }> = ({ state }) => <Tag colour={STATE_COLOURS[state as BidState]}>{stateLabel(state)}</Tag>;

export const Button: FC<PropsWithChildren<{ variant?: 'secondary' | 'warning' | 'reverse'; name?: string; value?: string; small?: boolean }>> = ({ variant, name, value, small, children }) => (
  <button
    class={['nhsuk-button', variant ? `nhsuk-button--${variant}` : '', small ? 'nhsuk-button--small' : ''].filter(Boolean).join(' ')}
    data-module="nhsuk-button"
    type="submit"
    name={name}
    value={value}
  >
    {children}
  </button>
);

export const ButtonLink: FC<PropsWithChildren<{ href: string; variant?: 'secondary' | 'warning' | 'reverse' }>> = ({ href, variant, children }) => (
  <a href={href} role="button" draggable="false" class={`nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''}`} data-module="nhsuk-button">
    {children}
  </a>
);

export const BackLink: FC<{ href: string; text?: string }> = ({ href, text = 'Back' }) => (
  <a class="nhsuk-back-link" href={href}>
    {text}
  </a>
);

export const InsetText: FC<PropsWithChildren> = ({ children }) => (
  <div class="nhsuk-inset-text">
    <span class="nhsuk-u-visually-hidden">Information: </span>
    {children}
  </div>
);

/** A warning callout; `level` 2 where it comes straight after the page's h1, so headings go in order. */
export const WarningCallout: FC<PropsWithChildren<{ heading: Child; level?: 2 | 3 }>> = ({ heading, level = 3, children }) => {
  const label = (
    <span role="text">
      <span class="nhsuk-u-visually-hidden">Important: </span>
      {heading}
    </span>
  );
  return (
    <div class="nhsuk-warning-callout">
      {level === 2 ? <h2 class="nhsuk-warning-callout__label">{label}</h2> : <h3 class="nhsuk-warning-callout__label">{label}</h3>}
      {children}
    </div>
  );
};

export const Details: FC<PropsWithChildren<{ summary: Child; open?: boolean }>> = ({ summary, open, children }) => (
  <details class="nhsuk-details" open={open}>
    <summary class="nhsuk-details__summary">
      <span class="nhsuk-details__summary-text">{summary}</span>
    </summary>
    <div class="nhsuk-details__text">{children}</div>
  </details>
);

/**
 * A form posting to the app, with its CSRF token and a key made when the form is drawn: sent
 * twice (a double click, a resent page), its action counts once.
 */
/** `autosave`: with JavaScript, the form posts itself as a draft as the person types (static/app.js). */
export const Form: FC<PropsWithChildren<{ action: string; csrf: string; id?: string; method?: 'post' | 'get'; autosave?: boolean }>> = ({ action, csrf, id, method = 'post', autosave, children }) => (
  <form action={action} method={method} novalidate id={id} data-autosave={autosave ? '' : undefined}>
    {method === 'post' ? (
      <>
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="_idempotency" value={randomUUID()} />
      </>
    ) : null}
    {children}
  </form>
);

const PageLink: FC<{ direction: 'previous' | 'next'; href: string; label: string }> = ({ direction, href, label }) => (
  <li class={`nhsuk-pagination-item--${direction}`}>
    <a class={`nhsuk-pagination__link nhsuk-pagination__link--${direction === 'previous' ? 'prev' : 'next'}`} href={href} rel={direction === 'previous' ? 'prev' : 'next'}>
      <span class="nhsuk-pagination__title">
        {direction === 'previous' ? 'Previous' : 'Next'}
        <span class="nhsuk-u-visually-hidden"> page</span>
      </span>
      <span class="nhsuk-u-visually-hidden">:</span>
      <span class="nhsuk-pagination__page">{label}</span>
    </a>
  </li>
);

export const Pagination: FC<{ previous?: { href: string; label: string }; next?: { href: string; label: string } }> = ({ previous, next }) =>
  previous || next ? (
    <nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul class="nhsuk-list nhsuk-pagination__list">
        {previous ? <PageLink direction="previous" {...previous} /> : null}
        {next ? <PageLink direction="next" {...next} /> : null}
      </ul>
    </nav>
  ) : null;
