/**
 * jsdom does no layout, so every element is 0 px high and a virtualised list shows nothing. This
 * gives elements the height their inline style sets, as a browser would, and the others
 * `otherHeight` (a menu sized by CSS), for the tests of one file.
 * (jsdom defines clientHeight on Element.prototype; the override sits on HTMLElement's.)
 */
export function layoutInlineHeights(otherHeight = 0): void {
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return parseFloat(this.style.height) || otherHeight;
      },
    });
  });
  afterAll(() => {
    delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
  });
}

/**
 * jsdom has no canvas (the jest setup's getContext answers null) and @grafana/ui's Combobox
 * measures its options' text on one: a context that measures 7 px per character, for one file.
 */
export function layoutCanvasText(): void {
  let original: typeof HTMLCanvasElement.prototype.getContext;
  beforeAll(() => {
    original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = (() => ({
      font: '',
      measureText: (text: string) => ({ width: text.length * 7 }),
    })) as unknown as typeof HTMLCanvasElement.prototype.getContext;
  });
  afterAll(() => {
    HTMLCanvasElement.prototype.getContext = original;
  });
}
