namespace AmqpBroker.LoadGen;

/// <summary>Message counts summed over all publishers and consumers at one instant.</summary>
internal readonly record struct Totals(long Sent, long Confirmed, long Nacked, long Received)
{
    public static Totals Of(IReadOnlyList<ILoadPublisher> publishers, IReadOnlyList<ILoadConsumer> consumers)
    {
        long sent = 0, confirmed = 0, nacked = 0, received = 0;
        foreach (var publisher in publishers)
        {
            sent += publisher.Sent;
            confirmed += publisher.Confirmed;
            nacked += publisher.Nacked;
        }
        foreach (var consumer in consumers)
        {
            received += consumer.Received;
        }
        return new Totals(sent, confirmed, nacked, received);
    }
}
