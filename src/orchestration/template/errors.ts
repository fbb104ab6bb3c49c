// Template-layer errors, named after the Heat exception each one mirrors, so the
// Orchestration API can render Heat's error body ({type, message}) unchanged.
// Pure data: no HTTP status here (the service's errors.ts maps type → status).

export type HeatErrorType =
  | 'StackValidationFailed'
  | 'InvalidTemplateVersion'
  | 'InvalidTemplateSection'
  | 'InvalidTemplateReference'
  | 'InvalidTemplateAttribute'
  | 'InvalidExternalResourceDependency'
  | 'CircularDependencyException'
  | 'UserParameterMissing'
  | 'UnknownUserParameter'
  | 'ImmutableParameterModified'
  | 'InvalidSchemaError'
  | 'InvalidBreakPointHook'
  | 'InvalidRestrictedAction'
  | 'InvalidMergeStrategyForParam'
  | 'ConflictingMergeStrategyForParam'
  | 'RequestLimitExceeded'
  | 'NotSupported'
  /** A malformed template or environment document (Heat raises a bare ValueError → 400). */
  | 'ValueError';

export class HeatError extends Error {
  /**
   * @param type    the Heat exception class name (goes on the wire as error.type)
   * @param detail  the message without error/path prefix
   * @param path    template path, rendered as Heat's HeatExceptionWithPath does
   * @param error   the optional leading label ("Parameter Groups error", …)
   */
  constructor(
    readonly type: HeatErrorType,
    readonly detail: string,
    readonly path: readonly string[] = [],
    readonly error = '',
  ) {
    super(formatMessage(detail, path, error));
    this.name = type;
  }
}

// OpenStack: HeatExceptionWithPath — "error: a.b[0].c: message".
function formatMessage(detail: string, path: readonly string[], error: string): string {
  let p = '';
  for (const item of path) {
    if (/^\d+$/.test(item)) p += `[${item}]`;
    else if (p.length > 0) p += `.${item}`;
    else p = item;
  }
  return `${error ? `${error}: ` : ''}${p ? `${p}: ` : ''}${detail}`;
}

/** A StackValidationFailed at a dotted template path (Heat builds these paths with '.'.join). */
export function validationFailed(path: string, detail: string, error = ''): HeatError {
  return new HeatError('StackValidationFailed', detail, path ? [path] : [], error);
}
