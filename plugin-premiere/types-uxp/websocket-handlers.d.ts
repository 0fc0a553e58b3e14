// Module augmentation for Adobe's UXP declarations (@adobe/cc-ext-uxp-types 7.3): the runtime
// WebSocket has the usual event-handler properties (Adobe's own samples use ws.onopen etc.), but
// the declared class lists none (hosts.md §1.1, §1.7). Merged into the declared class.
interface UxpWebSocketMessageEvent {
  readonly data: string | ArrayBuffer;
}
interface UxpWebSocketCloseEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean?: boolean;
}
interface WebSocket {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: UxpWebSocketMessageEvent) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: UxpWebSocketCloseEvent) => void) | null;
}
