// Cross-language check with the RabbitMQ Go client (Debian's golang-github-rabbitmq-amqp091-go-dev):
// publisher confirms with properties and headers, topic routing, prefetch with a consumer and manual acks,
// nack with requeue, a mandatory return, a 404 that closes only its channel, and direct reply-to. Prints one
// line per check and exits non-zero on the first failure.
// Usage (GOPATH mode, with Debian's Go packages): GO111MODULE=off GOPATH=/usr/share/gocode go run main.go AMQP_PORT
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const timeout = 10 * time.Second

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}

func run(port string) error {
	connection, err := amqp.Dial("amqp://guest:guest@127.0.0.1:" + port + "/")
	if err != nil {
		return err
	}
	defer connection.Close()
	suffix := randomSuffix()
	channel, err := connection.Channel()
	if err != nil {
		return err
	}
	if err := channel.Confirm(false); err != nil {
		return err
	}
	confirms := channel.NotifyPublish(make(chan amqp.Confirmation, 100))
	queue := func(name string) string {
		declared, err := channel.QueueDeclare(name+"-"+suffix, false, false, true, false, nil)
		must(err)
		return declared.Name
	}
	publish := func(exchange, key string, mandatory bool, message amqp.Publishing) {
		must(channel.Publish(exchange, key, mandatory, false, message))
		select {
		case confirm := <-confirms:
			if !confirm.Ack {
				panic(fmt.Sprintf("publish %d was nacked", confirm.DeliveryTag))
			}
		case <-time.After(timeout):
			panic("no confirm")
		}
	}

	props := queue("props")
	publish("", props, false, amqp.Publishing{Body: []byte("hello"), ContentType: "text/plain", DeliveryMode: amqp.Persistent,
		Headers: amqp.Table{"x-trace": "abc", "n": int32(7)}, MessageId: "m-1", Expiration: "60000"})
	got, ok, err := channel.Get(props, true)
	must(err)
	check("body, properties and headers come back",
		[]interface{}{ok, string(got.Body), got.ContentType, got.DeliveryMode, got.MessageId, got.Expiration, got.Headers["x-trace"], got.Headers["n"]},
		[]interface{}{true, "hello", "text/plain", uint8(2), "m-1", "60000", "abc", int32(7)})

	topic := "topic-" + suffix
	must(channel.ExchangeDeclare(topic, "topic", false, true, false, false, nil))
	stars, hashes := queue("stars"), queue("hashes")
	must(channel.QueueBind(stars, "*.orange.*", topic, false, nil))
	must(channel.QueueBind(hashes, "lazy.#", topic, false, nil))
	for _, key := range []string{"quick.orange.rabbit", "lazy.orange.elephant", "lazy.brown.fox", "lazy", "quick.brown.fox"} {
		publish(topic, key, false, amqp.Publishing{Body: []byte(key)})
	}
	check("topic routing *.orange.*", drain(channel, stars), []string{"quick.orange.rabbit", "lazy.orange.elephant"})
	check("topic routing lazy.#", drain(channel, hashes), []string{"lazy.orange.elephant", "lazy.brown.fox", "lazy"})

	work := queue("work")
	for i := 0; i < 10; i++ {
		publish("", work, false, amqp.Publishing{Body: []byte(fmt.Sprint(i))})
	}
	consumer, err := connection.Channel()
	must(err)
	must(consumer.Qos(2, 0, false))
	deliveries, err := consumer.Consume(work, "go-consumer", false, false, false, false, nil)
	must(err)
	var received []string
	for len(received) < 10 {
		select {
		case delivery := <-deliveries:
			received = append(received, string(delivery.Body))
			must(delivery.Ack(false))
		case <-time.After(timeout):
			panic(fmt.Sprintf("%d of 10 deliveries", len(received)))
		}
	}
	check("prefetch 2 with manual acks delivers in order", received, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"})
	must(consumer.Cancel("go-consumer", false))

	publish("", work, false, amqp.Publishing{Body: []byte("again")})
	first, _, err := channel.Get(work, false)
	must(err)
	must(first.Nack(false, true))
	second, _, err := channel.Get(work, true)
	must(err)
	check("nack with requeue comes back redelivered", []interface{}{first.Redelivered, string(second.Body), second.Redelivered}, []interface{}{false, "again", true})

	returns := channel.NotifyReturn(make(chan amqp.Return, 1))
	publish(topic, "no.such.key", true, amqp.Publishing{Body: []byte("lost")})
	select {
	case bounce := <-returns:
		check("an unroutable mandatory publish is returned", []interface{}{bounce.ReplyCode, bounce.ReplyText, string(bounce.Body)}, []interface{}{uint16(312), "NO_ROUTE", "lost"})
	case <-time.After(timeout):
		panic("no basic.return")
	}

	doomed, err := connection.Channel()
	must(err)
	_, err = doomed.QueueDeclarePassive("missing-"+suffix, false, false, false, false, nil)
	closed, isAmqpError := err.(*amqp.Error)
	check("a passive declare of a missing queue closes the channel with 404", isAmqpError && closed.Code == 404, true)
	probe, err := connection.Channel()
	must(err)
	state, err := probe.QueueDeclarePassive(work, false, false, true, false, nil)
	must(err)
	check("the connection stays usable", state.Messages, 0)

	rpc := queue("rpc")
	server, err := connection.Channel()
	must(err)
	requests, err := server.Consume(rpc, "", true, false, false, false, nil)
	must(err)
	go func() {
		for request := range requests {
			must(server.Publish("", request.ReplyTo, false, false, amqp.Publishing{Body: []byte(strings.ToUpper(string(request.Body))), CorrelationId: request.CorrelationId}))
		}
	}()
	client, err := connection.Channel()
	must(err)
	replies, err := client.Consume("amq.rabbitmq.reply-to", "", true, false, false, false, nil)
	must(err)
	must(client.Publish("", rpc, false, false, amqp.Publishing{Body: []byte("ping"), ReplyTo: "amq.rabbitmq.reply-to", CorrelationId: "c-1"}))
	select {
	case reply := <-replies:
		check("direct reply-to RPC", []interface{}{string(reply.Body), reply.CorrelationId}, []interface{}{"PING", "c-1"})
	case <-time.After(timeout):
		panic("no reply")
	}
	return nil
}

func drain(channel *amqp.Channel, queue string) []string {
	bodies := []string{}
	for {
		message, ok, err := channel.Get(queue, true)
		must(err)
		if !ok {
			return bodies
		}
		bodies = append(bodies, string(message.Body))
	}
}

func check(name string, actual, expected interface{}) {
	if !reflect.DeepEqual(actual, expected) {
		panic(fmt.Sprintf("%s: expected %v, got %v", name, expected, actual))
	}
	fmt.Println("ok  ", name)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func randomSuffix() string {
	bytes := make([]byte, 4)
	_, _ = rand.Read(bytes)
	return hex.EncodeToString(bytes)
}
