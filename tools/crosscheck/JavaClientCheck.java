// Cross-language check with the RabbitMQ Java client (Debian's librabbitmq-client-java, the client Spring AMQP
// builds on), run as a single source file: publisher confirms with properties and headers, prefetch with a
// consumer and manual acks, a mandatory return, a consumer cancelled by the broker when its queue is deleted,
// a 404 that closes only its channel, a transaction, direct reply-to. Prints one line per check and exits
// non-zero on the first failure.
// Usage: java -cp /usr/share/java/amqp-client.jar:/usr/share/java/slf4j-api.jar JavaClientCheck.java AMQP_PORT
import com.rabbitmq.client.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;

public class JavaClientCheck {
    private static final long TIMEOUT_SECONDS = 10;

    public static void main(String[] args) throws Exception {
        try {
            run(Integer.parseInt(args[0]));
            System.out.println("all checks passed");
        } catch (Exception | AssertionError e) {
            System.out.println("FAIL " + e);
            System.exit(1);
        }
    }

    private static void run(int port) throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setAutomaticRecoveryEnabled(false);
        var suffix = UUID.randomUUID().toString().substring(0, 8);
        try (var connection = factory.newConnection()) {
            var channel = connection.createChannel();
            channel.confirmSelect();

            var props = channel.queueDeclare("props-" + suffix, false, true, false, null).getQueue();
            var headers = new HashMap<String, Object>();
            headers.put("x-trace", "abc");
            headers.put("n", 7);
            var properties = new AMQP.BasicProperties.Builder().contentType("text/plain").deliveryMode(2).headers(headers).messageId("m-1").build();
            channel.basicPublish("", props, properties, bytes("hello"));
            channel.waitForConfirmsOrDie(TIMEOUT_SECONDS * 1000);
            var got = channel.basicGet(props, true);
            check("body, properties and headers come back",
                List.of(text(got.getBody()), got.getProps().getContentType(), got.getProps().getDeliveryMode(), got.getProps().getMessageId(),
                    got.getProps().getHeaders().get("x-trace").toString(), got.getProps().getHeaders().get("n")),
                List.of("hello", "text/plain", 2, "m-1", "abc", 7));

            var work = channel.queueDeclare("work-" + suffix, false, true, false, null).getQueue();
            for (var i = 0; i < 10; i++) {
                channel.basicPublish("", work, null, bytes(Integer.toString(i)));
            }
            channel.waitForConfirmsOrDie(TIMEOUT_SECONDS * 1000);
            var consumerChannel = connection.createChannel();
            consumerChannel.basicQos(2);
            var received = new CopyOnWriteArrayList<String>();
            var allReceived = new CountDownLatch(10);
            var tag = consumerChannel.basicConsume(work, false, new DefaultConsumer(consumerChannel) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    received.add(text(body));
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    allReceived.countDown();
                }
            });
            check("prefetch 2 with manual acks delivers everything", allReceived.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), true);
            check("in order", received, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
            consumerChannel.basicCancel(tag);

            var returned = new CompletableFuture<Integer>();
            channel.addReturnListener(r -> returned.complete(r.getReplyCode()));
            channel.basicPublish("", "no-such-queue-" + suffix, true, null, bytes("lost"));
            check("an unroutable mandatory publish is returned with 312", returned.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), 312);

            var doomed = channel.queueDeclare("doomed-" + suffix, false, false, false, null).getQueue();
            var cancelled = new CompletableFuture<String>();
            var watcher = connection.createChannel();
            watcher.basicConsume(doomed, true, new DefaultConsumer(watcher) {
                @Override
                public void handleCancel(String consumerTag) {
                    cancelled.complete(consumerTag);
                }
            });
            channel.queueDelete(doomed);
            check("deleting the queue cancels its consumer (basic.cancel from the broker)", cancelled.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).isEmpty(), false);

            var probe = connection.createChannel();
            try {
                probe.queueDeclarePassive("missing-" + suffix);
                throw new AssertionError("a passive declare of a missing queue succeeded");
            } catch (java.io.IOException e) {
                var reason = (ShutdownSignalException) e.getCause();
                check("a passive declare of a missing queue closes the channel with 404", ((AMQP.Channel.Close) reason.getReason()).getReplyCode(), 404);
            }
            check("the connection stays usable", connection.createChannel().queueDeclarePassive(work).getMessageCount(), 0);

            var tx = connection.createChannel();
            var txQueue = tx.queueDeclare("tx-" + suffix, false, true, false, null).getQueue();
            tx.txSelect();
            tx.basicPublish("", txQueue, null, bytes("rolled back"));
            tx.txRollback();
            tx.basicPublish("", txQueue, null, bytes("committed"));
            tx.txCommit();
            check("a transaction publishes only what it commits", text(tx.basicGet(txQueue, true).getBody()) + "|" + tx.queueDeclarePassive(txQueue).getMessageCount(), "committed|0");

            var rpcQueue = channel.queueDeclare("rpc-" + suffix, false, true, false, null).getQueue();
            var server = connection.createChannel();
            server.basicConsume(rpcQueue, true, new DefaultConsumer(server) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    var reply = new AMQP.BasicProperties.Builder().correlationId(p.getCorrelationId()).build();
                    getChannel().basicPublish("", p.getReplyTo(), reply, bytes(text(body).toUpperCase(Locale.ROOT)));
                }
            });
            var client = connection.createChannel();
            var answer = new CompletableFuture<String>();
            client.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(client) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                    answer.complete(text(body) + "|" + p.getCorrelationId());
                }
            });
            client.basicPublish("", rpcQueue, new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId("c-1").build(), bytes("ping"));
            check("direct reply-to RPC", answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "PING|c-1");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static void check(String name, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError(name + ": expected " + expected + ", got " + actual);
        }
        System.out.println("ok   " + name);
    }
}
