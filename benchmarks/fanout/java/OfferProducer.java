import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fan-out benchmark's Kafka publisher for the gateway: Kafka's own Java client, which costs a
 * small fraction of kafkajs' CPU per record, so that on a shared machine the load generator
 * leaves the cores to the gateway.
 *
 * Usage: java -cp '<kafka libs>/*' OfferProducer.java BROKERS TOPIC DRIVER_IDS_FILE
 *
 * Prints "ready" once connected. Then, for each stdin line "SEQ<TAB>TEMPLATE", produces one record
 * per driver id (key: the driver id; value: TEMPLATE with {EVENT_ID} replaced by a fresh UUID and
 * {DRIVER_ID} by the driver id) and prints "ack SEQ" once the broker has acknowledged all of
 * them (acks=all), or "error SEQ MESSAGE". The envelope itself is built by the Node side.
 */
public final class OfferProducer {
  public static void main(String[] args) throws Exception {
    String brokers = args[0];
    String topic = args[1];
    List<String> drivers = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
    Properties config = new Properties();
    config.put("bootstrap.servers", brokers);
    config.put("client.id", "fanout-bench-offer-producer");
    config.put("acks", "all");
    // A publish is 2,000 sends in a tight loop: a short linger puts them in full batches.
    config.put("linger.ms", "2");
    config.put("batch.size", "262144");
    config.put("key.serializer", StringSerializer.class.getName());
    config.put("value.serializer", StringSerializer.class.getName());
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      producer.partitionsFor(topic);
      say(out, "ready");
      String line;
      while ((line = in.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab < 0) continue;
        String seq = line.substring(0, tab);
        String template = line.substring(tab + 1);
        AtomicInteger left = new AtomicInteger(drivers.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (String driver : drivers) {
          String value = template.replace("{EVENT_ID}", UUID.randomUUID().toString()).replace("{DRIVER_ID}", driver);
          producer.send(new ProducerRecord<>(topic, driver, value), (metadata, error) -> {
            if (error != null) failure.compareAndSet(null, error);
            if (left.decrementAndGet() == 0) {
              Exception e = failure.get();
              say(out, e == null ? "ack " + seq : "error " + seq + " " + e);
            }
          });
        }
      }
      producer.flush();
    }
  }

  private static void say(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
