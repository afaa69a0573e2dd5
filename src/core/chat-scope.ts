/**
 * The chat a request speaks for (docs/api.md §2). The HTTP layer reads it from headers; the manager uses it to
 * decide what a caller may see.
 * @module
 */

/**
 * The chat a request speaks for; `chatId` is `null` for the operator's view of every process.
 * @example
 * ```ts
 * const operator: ChatScope = { chatId: null, ancestorIds: [] };
 * ```
 */
export interface ChatScope {
  chatId: string | null;
  ancestorIds: string[];
}

/**
 * The scope that sees every process.
 * @example
 * ```ts
 * manager.list(OPERATOR_SCOPE);
 * ```
 */
export const OPERATOR_SCOPE: Readonly<ChatScope> = Object.freeze({ chatId: null, ancestorIds: [] });
