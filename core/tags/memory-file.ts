import { ByteVector, SeekOrigin, type IFileAbstraction, type IStream } from 'node-taglib-sharp';

/** A growable in-memory file for node-taglib-sharp, so tags are read and written on exactly the bytes Timbre fingerprinted. */
class MemoryStream implements IStream {
  readonly canWrite = true;
  private data: Buffer;
  private size: number;
  private at = 0;

  constructor(initial: Uint8Array) {
    this.data = Buffer.from(initial);
    this.size = initial.length;
  }

  get length(): number {
    return this.size;
  }

  get position(): number {
    return this.at;
  }

  set position(position: number) {
    if (position < 0) throw new Error('negative position');
    this.at = position;
  }

  close(): void {}

  read(buffer: Uint8Array, offset: number, length: number): number {
    const count = Math.max(0, Math.min(length, this.size - this.at));
    buffer.set(this.data.subarray(this.at, this.at + count), offset);
    this.at += count;
    return count;
  }

  seek(offset: number, origin: SeekOrigin): void {
    const base = origin === SeekOrigin.Begin ? 0 : origin === SeekOrigin.Current ? this.at : this.size;
    this.position = base + offset;
  }

  setLength(length: number): void {
    this.ensureCapacity(length);
    if (length > this.size) this.data.fill(0, this.size, length);
    this.size = length;
    this.at = Math.min(this.at, length);
  }

  write(buffer: Uint8Array | ByteVector, bufferOffset: number, length: number): number {
    const bytes = buffer instanceof ByteVector ? buffer.toByteArray() : buffer;
    const end = this.at + length;
    this.ensureCapacity(end);
    if (this.at > this.size) this.data.fill(0, this.size, this.at);
    this.data.set(bytes.subarray(bufferOffset, bufferOffset + length), this.at);
    this.at = end;
    this.size = Math.max(this.size, end);
    return length;
  }

  contents(): Buffer {
    return Buffer.from(this.data.subarray(0, this.size));
  }

  private ensureCapacity(length: number): void {
    if (length <= this.data.length) return;
    const grown = Buffer.alloc(Math.max(length, Math.ceil(this.data.length * 1.5)));
    this.data.copy(grown, 0, 0, this.size);
    this.data = grown;
  }
}

/** A node-taglib-sharp file abstraction over a byte buffer; `contents()` returns the bytes after a save. */
export class MemoryFileAbstraction implements IFileAbstraction {
  private readonly stream: MemoryStream;

  constructor(
    readonly name: string,
    bytes: Uint8Array,
  ) {
    this.stream = new MemoryStream(bytes);
  }

  get readStream(): IStream {
    this.stream.position = 0;
    return this.stream;
  }

  get writeStream(): IStream {
    this.stream.position = 0;
    return this.stream;
  }

  closeStream(): void {}

  contents(): Buffer {
    return this.stream.contents();
  }
}
