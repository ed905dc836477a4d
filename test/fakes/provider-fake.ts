import { FakeServer } from './fake-server';

/** What every provider fake shares: its server on 127.0.0.1, its URL, start and stop. */
export abstract class ProviderFake {
  readonly server = new FakeServer();

  get url(): string {
    return this.server.url;
  }

  /** Fakes that register their routes at start (rather than in the constructor) do it here. */
  protected routes(): void {}

  async start(): Promise<this> {
    this.routes();
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
