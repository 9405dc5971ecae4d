using AmqpBroker.Core.Profiles;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Shovel;

/// <summary>
/// One connected run of a shovel: consumes from the source and republishes to the destination, one
/// delivery at a time in delivery order. In on-confirm mode a delivery is acknowledged at the source only
/// once the destination confirmed it (a nack there is a nack with requeue at the source), so nothing is lost
/// and a message is duplicated only when a connection fails between the confirm and the ack. Counts down
/// what a delete-after shovel still has to move, and ends when it has moved it (or is told its time is up).
/// </summary>
internal sealed class ShovelTransfer : AsyncDefaultBasicConsumer, IAsyncDisposable
{
    /// <summary>A delete-after count of "no limit".</summary>
    private const long Unlimited = -1;

    private readonly ShovelDefinition _definition;
    private readonly ShovelConnection _source;
    private readonly ShovelConnection _destination;
    private readonly ForwardHeaders _headers;
    private readonly ConfirmTracker _confirms = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ShovelFailure> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _remaining;
    private long _remainingUnpublished;

    private ShovelTransfer(ShovelDefinition definition, ShovelConnection source, ShovelConnection destination, ForwardHeaders headers)
        : base(source.Channel)
    {
        _definition = definition;
        _source = source;
        _destination = destination;
        _headers = headers;
        if (definition.AckMode == AckMode.OnConfirm)
        {
            destination.Channel.BasicAcksAsync += (_, e) => SettleAsync(e.DeliveryTag, e.Multiple, ack: true);
            destination.Channel.BasicNacksAsync += (_, e) => SettleAsync(e.DeliveryTag, e.Multiple, ack: false);
        }
    }

    /// <summary>What the running status reports: the URIs without credentials and the two ends.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details
    {
        get
        {
            List<KeyValuePair<string, string>> details =
            [
                new("src_uri", _source.Uri.Display),
                new("src_protocol", "amqp091"),
                new("dest_protocol", "amqp091"),
                new("dest_uri", _destination.Uri.Display),
            ];
            if (_definition.SourceQueue is { } queue)
            {
                details.Add(new("src_queue", queue));
            }
            else
            {
                details.Add(new("src_exchange", _definition.SourceExchange!));
                details.Add(new("src_exchange_key", _definition.SourceExchangeKey));
            }

            AddIfSet(details, "dest_exchange", _definition.DestinationExchange);
            AddIfSet(details, "dest_exchange_key", _definition.DestinationExchangeKey);
            AddIfSet(details, "dest_queue", _definition.DestinationQueue);
            return details;
        }
    }

    /// <summary>
    /// Connects both ends, declares what RabbitMQ's shovel declares (the destination queue, the source queue
    /// or a private queue bound to the source exchange) and starts consuming. Null when a delete-after
    /// shovel finds nothing to move.
    /// </summary>
    public static async Task<ShovelTransfer?> StartAsync(
        ShovelDefinition definition, ShovelIdentity identity, LocalBroker local, TimeProvider time, VersionProfile profile, CancellationToken cancellationToken)
    {
        var source = await ShovelConnection.OpenAsync(definition.SourceUris, local, identity, "source", confirms: false, profile, cancellationToken).ConfigureAwait(false);
        ShovelConnection? destination = null;
        try
        {
            var confirms = definition.AckMode == AckMode.OnConfirm;
            destination = await ShovelConnection.OpenAsync(definition.DestinationUris, local, identity, "destination", confirms, profile, cancellationToken).ConfigureAwait(false);
            if (definition.DestinationQueue is { } destinationQueue)
            {
                await destination.EnsureQueueAsync(destinationQueue, definition.DestinationQueueArguments, definition.DestinationPredeclared, cancellationToken).ConfigureAwait(false);
            }

            var headers = new ForwardHeaders(definition, identity, source.Uri.Display, destination.Uri.Display, time);
            var transfer = new ShovelTransfer(definition, source, destination, headers);
            if (!await transfer.StartConsumingAsync(cancellationToken).ConfigureAwait(false))
            {
                await transfer.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return transfer;
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (destination is not null)
            {
                await destination.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Runs until a delete-after shovel has moved its messages (true), or an end fails (false, with the
    /// reason), or <paramref name="cancellationToken"/> stops it.
    /// </summary>
    public async Task<(bool Completed, ShovelFailure? Failure)> RunAsync(CancellationToken cancellationToken)
    {
        var failed = Task.WhenAny(_source.Failed, _destination.Failed, _stopped.Task);
        var finished = await Task.WhenAny(_completed.Task, failed).WaitAsync(cancellationToken).ConfigureAwait(false);
        return finished == _completed.Task ? (true, null) : (false, await (await failed.ConfigureAwait(false)).ConfigureAwait(false));
    }

    public override async Task HandleBasicDeliverAsync(
        string consumerTag, ulong deliveryTag, bool redelivered, string exchange, string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (_remainingUnpublished == 0)
        {
            // A delete-after shovel has published all it moves: later deliveries go back to the queue when it closes.
            return;
        }

        var (targetExchange, targetKey) = _definition.DestinationQueue is { } queue
            ? ("", queue)
            : (_definition.DestinationExchange ?? exchange, _definition.DestinationExchangeKey ?? routingKey);
        var outgoing = new BasicProperties(properties);
        if (_headers.Any)
        {
            _headers.Apply(outgoing);
        }

        var destination = _destination.Channel;
        try
        {
            if (_definition.AckMode == AckMode.OnConfirm)
            {
                _confirms.Add(await destination.GetNextPublishSequenceNumberAsync(cancellationToken).ConfigureAwait(false), deliveryTag);
            }

            await destination.BasicPublishAsync(targetExchange, targetKey, mandatory: false, outgoing, body, cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyClosedException)
        {
            // A close the release ignored left the destination without a channel: RabbitMQ 3.10.8's publish crashes the
            // worker. Any other close has failed the destination already, which ends the run.
            if (_destination.ChannelCloseIgnored)
            {
                _stopped.TrySetResult(new PublishedToClosedChannel());
            }

            return;
        }

        if (_remainingUnpublished > 0)
        {
            _remainingUnpublished--;
        }

        switch (_definition.AckMode)
        {
            case AckMode.OnPublish:
                await _source.Channel.BasicAckAsync(deliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
                CountDown(1);
                break;
            case AckMode.NoAck:
                CountDown(1);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The source first: what it delivered and was not acknowledged goes back to its queue.
        await _source.DisposeAsync().ConfigureAwait(false);
        await _destination.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The shovel's <c>src-delete-after-duration</c> has passed: it ends as one that moved all it was to move.</summary>
    public void Expire() => _completed.TrySetResult();

    /// <summary>
    /// The server cancelled the consumer (its queue was deleted): RabbitMQ's shovel restarts. Only basic.cancel from the
    /// server: the client also calls OnCancelAsync when the channel shuts down with its connection, and reporting that as
    /// a cancel raced the connection's own reason (<see cref="ShovelConnection"/>).
    /// </summary>
    public override Task HandleBasicCancelAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        _stopped.TrySetResult(ShovelFailure.NeedsRestart);
        return base.HandleBasicCancelAsync(consumerTag, cancellationToken);
    }

    private async Task<bool> StartConsumingAsync(CancellationToken cancellationToken)
    {
        var channel = _source.Channel;
        string queue;
        if (_definition.SourceQueue is { } sourceQueue)
        {
            await _source.EnsureQueueAsync(sourceQueue, _definition.SourceQueueArguments, _definition.SourcePredeclared, cancellationToken).ConfigureAwait(false);
            queue = sourceQueue;
        }
        else
        {
            queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken).ConfigureAwait(false)).QueueName;
            await channel.QueueBindAsync(queue, _definition.SourceExchange!, _definition.SourceExchangeKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var noAck = _definition.AckMode == AckMode.NoAck;
        if (!noAck)
        {
            await channel.BasicQosAsync(0, _definition.PrefetchCount, global: false, cancellationToken).ConfigureAwait(false);
        }

        _remaining = _definition.DeleteAfter.Kind switch
        {
            DeleteAfterKind.QueueLength => (await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false)).MessageCount,
            DeleteAfterKind.Count => _definition.DeleteAfter.Count,
            _ => Unlimited,
        };
        _remainingUnpublished = _remaining;
        if (_remaining == 0)
        {
            return false;
        }

        var arguments = new Dictionary<string, object?>(_definition.SourceConsumerArguments);
        await channel.BasicConsumeAsync(queue, noAck, _definition.SourceConsumerName, noLocal: false, exclusive: false, arguments, this, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task SettleAsync(ulong sequence, bool multiple, bool ack)
    {
        var tags = _confirms.Confirm(sequence, multiple, out var upToLast);
        if (tags.Count == 0)
        {
            return;
        }

        var source = _source.Channel;
        foreach (var tag in upToLast ? [tags[^1]] : tags)
        {
            if (ack)
            {
                await source.BasicAckAsync(tag, multiple: upToLast).ConfigureAwait(false);
            }
            else
            {
                await source.BasicNackAsync(tag, multiple: upToLast, requeue: true).ConfigureAwait(false);
            }
        }

        CountDown(tags.Count);
    }

    /// <summary>A delete-after shovel has settled <paramref name="moved"/> more messages; it completes when none remain.</summary>
    private void CountDown(int moved)
    {
        if (Interlocked.Read(ref _remaining) == Unlimited)
        {
            return;
        }

        if (Interlocked.Add(ref _remaining, -moved) <= 0)
        {
            _completed.TrySetResult();
        }
    }

    private static void AddIfSet(List<KeyValuePair<string, string>> details, string key, string? value)
    {
        if (value is not null)
        {
            details.Add(new(key, value));
        }
    }
}
