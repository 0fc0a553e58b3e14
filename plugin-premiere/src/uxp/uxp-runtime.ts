// The UXP WebSocket as the panel's socket. Checked twice: by tsconfig.uxp.json against Adobe's UXP
// declarations (@adobe/cc-ext-uxp-types + the types-uxp/ augmentation, no DOM, no node) and by the
// workspace tsconfig against the DOM; it imports nothing so both programs see only this file.

/** Subprotocol offered on connect: UXP declares `protocols` as required; the bridge selects it. */
export const BRIDGE_SUBPROTOCOL = 'synthetic-studio';

/**
 * A socket with the shape the shared panel expects (`WebSocketLike`), over the host's global
 * WebSocket. UXP's constructor takes `(url, protocols)` only: no headers, so the token travels in
 * the hello message; a protocol is always offered.
 */
export class UxpBridgeSocket {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null = null;
  private readonly ws: WebSocket;

  constructor(url: string, protocols?: string | string[]) {
    this.ws = new WebSocket(url, protocols ?? [BRIDGE_SUBPROTOCOL]);
    // These handler properties exist at runtime but not in Adobe's declarations (see types-uxp/).
    this.ws.onopen = (event) => this.onopen?.(event);
    this.ws.onmessage = (event) => this.onmessage?.({ data: event.data });
    this.ws.onerror = (event) => this.onerror?.(event);
    this.ws.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason });
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}
