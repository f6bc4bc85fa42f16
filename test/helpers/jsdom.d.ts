// The little of jsdom the Mermaid check uses (avoids a dependency on @types/jsdom and the DOM lib).
declare module 'jsdom' {
  export class JSDOM {
    constructor(html: string);
    window: { document: unknown } & Record<string, unknown>;
  }
}
