// Lets queued messages (pause, stop, snapshot...) in between training steps. setTimeout(0) is
// clamped to >= 4 ms when nested, which would cost more than a small step; MessageChannel is not.
// Node has setImmediate, which also does not keep a channel open.
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}
