import path from 'node:path';
import type { DockerCli } from './docker.command.js';
import { DockerCli as Cli } from './docker.command.js';

/** Every container a test starts carries this label, so an interrupted run's leftovers can be removed. */
export const TEST_CONTAINER_LABEL = 'org.reelforge.test=1';

export interface ContainerSpec {
  name: string;
  image: string;
  env?: Record<string, string>;
  /** Replaces the image's CMD. */
  command?: string[];
  /** `host:container` bind mounts. */
  volumes?: string[];
  /** `docker run --stop-timeout`: how long `docker stop` waits before SIGKILL (Docker's default is 10 s). */
  stopTimeoutS?: number;
}

export interface ContainerState {
  status: string;
  exitCode: number;
  health: string | undefined;
  oomKilled: boolean;
}

export class TestContainer {
  constructor(
    private readonly cli: DockerCli,
    readonly name: string,
  ) {}

  async state(): Promise<ContainerState> {
    const raw = await this.cli.ok(['inspect', '--format', '{{json .State}}', this.name]);
    const state = JSON.parse(raw) as { Status: string; ExitCode: number; OOMKilled: boolean; Health?: { Status: string } };
    return { status: state.Status, exitCode: state.ExitCode, health: state.Health?.Status, oomKilled: state.OOMKilled };
  }

  async logs(): Promise<string> {
    const result = await this.cli.run(['logs', '--tail', '200', this.name]);
    return `${result.stdout}${result.stderr}`;
  }

  exec(args: string[]): Promise<string> {
    return this.cli.ok(['exec', this.name, ...args]);
  }

  /** The real uid of every process in the container, read from its /proc by the image's own node. */
  async processUids(): Promise<{ pid: string; uid: number; cmd: string }[]> {
    const script =
      "const fs=require('fs');const out=[];for(const p of fs.readdirSync('/proc').filter((d)=>/^\\d+$/.test(d))){try{" +
      "const uid=Number(/^Uid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/'+p+'/status','utf8'))[1]);" +
      "out.push({pid:p,uid,cmd:fs.readFileSync('/proc/'+p+'/cmdline','utf8').split('\\0').join(' ').trim()});}catch{}}" +
      'console.log(JSON.stringify(out))';
    return JSON.parse(await this.exec(['node', '-e', script])) as { pid: string; uid: number; cmd: string }[];
  }

  /** Whether an ffmpeg process runs in the container now (the worker names its scratch files at random). */
  async runsFfmpeg(): Promise<boolean> {
    return (await this.processUids()).some((p) => path.basename(p.cmd.split(' ')[0] ?? '') === 'ffmpeg');
  }

  /** `docker stop` (SIGTERM, then SIGKILL after `timeoutS`); resolves with the container's exit code. */
  async stop(timeoutS: number): Promise<number> {
    await this.cli.ok(['stop', '--time', String(timeoutS), this.name], { timeoutMs: (timeoutS + 60) * 1000 });
    return (await this.state()).exitCode;
  }

  /** Waits for the container to exit on its own and returns its exit code. */
  async wait(timeoutMs: number): Promise<number> {
    return Number(await this.cli.ok(['wait', this.name], { timeoutMs }));
  }
}

/** Starts labelled containers on the host network and removes them all at the end. */
export class TestContainers {
  private readonly names = new Set<string>();

  constructor(private readonly cli: DockerCli) {}

  static fromEnv(): TestContainers {
    return new TestContainers(new Cli(process.env));
  }

  get docker(): DockerCli {
    return this.cli;
  }

  async start(spec: ContainerSpec): Promise<TestContainer> {
    const env = spec.env ?? {};
    const args = [
      'run', '--detach', '--name', spec.name, '--label', TEST_CONTAINER_LABEL, '--network', 'host',
      ...(spec.stopTimeoutS === undefined ? [] : ['--stop-timeout', String(spec.stopTimeoutS)]),
      ...(spec.volumes ?? []).flatMap((v) => ['--volume', v]),
      // `-e NAME` takes the value from the docker CLI's environment: secrets stay out of argv.
      ...Object.keys(env).flatMap((key) => ['--env', key]),
      spec.image,
      ...(spec.command ?? []),
    ];
    this.names.add(spec.name);
    await new Cli({ ...this.cli.env, ...env }).ok(args);
    return new TestContainer(this.cli, spec.name);
  }

  async removeAll(): Promise<void> {
    if (this.names.size > 0) await this.cli.run(['rm', '--force', '--volumes', ...this.names]);
    this.names.clear();
  }
}
