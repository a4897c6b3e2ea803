package io.peerlink.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.peerlink.core.internal.noise.ChaChaPolyProvider;
import io.peerlink.core.internal.noise.CipherState;
import io.peerlink.core.internal.noise.TransportCipher;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Noise transport cipher beside the raw JDK AEAD, one message at a time, so the cost of our
 * layer over ChaCha20-Poly1305 itself is visible:
 *
 * <ul>
 *   <li>{@code rawAead*}: the engine's JCA {@code Cipher} used raw on heap arrays, init and doFinal
 *       per message: its best case, and the bound for everything below;
 *   <li>{@code cipherState*}: {@link CipherState} on heap buffers (nonce handling, our engine
 *       wrapper);
 *   <li>{@code transport*}: {@link TransportCipher} from and into pooled direct {@code ByteBuf}s,
 *       length prefix included: exactly what the Noise handler does per message.
 * </ul>
 *
 * <p>{@code engine} picks the ChaCha20-Poly1305 engine for all three ({@link ChaChaPolyProvider}).
 * {@code size} is the plaintext per message: 1 KiB, and 65519 bytes (a full Noise message, 64
 * KiB on the wire). Scores are messages per second; multiply by {@code size} for bytes. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar NoiseCipherState} (after {@code mvn -o -pl
 * benchmarks -am package -DskipTests}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseCipherStateBenchmark {
  /** Ciphertexts prepared for the decrypt benchmarks, replayed in a cycle. */
  private static final int PREPARED = 64;
  private static final int TAG = 16;

  @Param({"1024", "65519"})
  public int size;

  /** The engine: BoringSSL's through Conscrypt (the default where it loads) or the JDK's. */
  @Param({"CONSCRYPT", "JDK"})
  public ChaChaPolyProvider engine;

  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private long rawNonce;
  private byte[] plainArray;
  private byte[] outArray;
  private byte[][] sealedArrays;

  private CipherState sender;
  private CipherState receiver;
  private ByteBuffer[] plainParts;
  private final ByteBuffer[] sealedParts = new ByteBuffer[1];
  private ByteBuffer outHeap;

  private TransportCipher transportSender;
  private TransportCipher transportReceiver;
  private ByteBuf plainBuf;
  private ByteBuf outBuf;
  private ByteBuf[] sealedBufs;

  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    byte[] key = new byte[32];
    random.nextBytes(key);
    plainArray = new byte[size];
    random.nextBytes(plainArray);
    outArray = new byte[size + TAG + 2];

    rawKey = new SecretKeySpec(key, "ChaCha20");
    rawCipher = engine == ChaChaPolyProvider.CONSCRYPT
        ? Cipher.getInstance("ChaCha20/Poly1305/NoPadding", Conscrypt.newProvider())
        : Cipher.getInstance("ChaCha20-Poly1305");
    sealedArrays = new byte[PREPARED][size + TAG];
    for (int i = 0; i < PREPARED; i++) {
      rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new IvParameterSpec(nonce(i)));
      rawCipher.doFinal(plainArray, 0, size, sealedArrays[i], 0);
    }
    rawNonce = PREPARED;

    sender = new CipherState(engine, key);
    sender.setNonce(PREPARED);
    receiver = new CipherState(engine, key);
    plainParts = new ByteBuffer[] {ByteBuffer.wrap(plainArray)};
    outHeap = ByteBuffer.wrap(outArray);

    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    transportSender = new TransportCipher(new CipherState(engine, key));
    transportSender.state().setNonce(PREPARED);
    transportReceiver = new TransportCipher(new CipherState(engine, key));
    plainBuf = alloc.directBuffer(size).writeBytes(plainArray);
    outBuf = alloc.directBuffer(size + TAG + 2);
    sealedBufs = new ByteBuf[PREPARED];
    for (int i = 0; i < PREPARED; i++) {
      sealedBufs[i] = alloc.directBuffer(size + TAG).writeBytes(sealedArrays[i]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plainBuf.release();
    outBuf.release();
    for (ByteBuf b : sealedBufs) {
      b.release();
    }
  }

  /** The next prepared message; the receivers' nonces follow it round the cycle. */
  private int nextPrepared() {
    int i = next;
    next = (i + 1) % PREPARED;
    return i;
  }

  @Benchmark
  public int rawAeadEncrypt() throws Exception {
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new IvParameterSpec(nonce(rawNonce++)));
    return rawCipher.doFinal(plainArray, 0, size, outArray, 0);
  }

  @Benchmark
  public int rawAeadDecrypt() throws Exception {
    int i = nextPrepared();
    rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new IvParameterSpec(nonce(i)));
    return rawCipher.doFinal(sealedArrays[i], 0, size + TAG, outArray, 0);
  }

  @Benchmark
  public int cipherStateEncrypt() throws Exception {
    plainParts[0].clear();
    return sender.encrypt(plainParts, outHeap.clear());
  }

  @Benchmark
  public int cipherStateDecrypt() throws Exception {
    int i = nextPrepared();
    receiver.setNonce(i);
    sealedParts[0] = ByteBuffer.wrap(sealedArrays[i]);
    return receiver.decrypt(sealedParts, outHeap.clear());
  }

  @Benchmark
  public int transportEncrypt() throws Exception {
    outBuf.clear();
    return transportSender.encryptMessage(plainBuf, outBuf);
  }

  @Benchmark
  public int transportDecrypt() throws Exception {
    int i = nextPrepared();
    transportReceiver.state().setNonce(i);
    outBuf.clear();
    return transportReceiver.decryptMessage(sealedBufs[i], 0, size + TAG, outBuf);
  }

  /** The RFC 8439 nonce Noise uses: 4 zero bytes, then the counter little-endian. */
  private static byte[] nonce(long n) {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (n >>> (8 * i));
    }
    return nonce;
  }
}
