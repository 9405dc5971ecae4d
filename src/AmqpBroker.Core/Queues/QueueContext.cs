using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Queues;

/// <summary>What a queue being created gets from its virtual host and broker.</summary>
/// <param name="Type">The queue's type.</param>
/// <param name="ExclusiveOwner">The declaring connection when the queue is exclusive to it.</param>
/// <param name="Time">The broker's clock, for what a queue type stamps with the time; deadlines go through <paramref name="Timers"/>.</param>
/// <param name="DeadLetters">Where messages the queue gives up go.</param>
/// <param name="AutoDelete">Called when an auto-delete queue loses its last consumer.</param>
/// <param name="Messages">The broker's message store, for queues that keep messages across restarts.</param>
/// <param name="Profile">The RabbitMQ release the broker behaves as.</param>
/// <param name="Timers">The broker's timers (message TTL, x-expires).</param>
/// <param name="Unused">Called when a queue went unused past its x-expires.</param>
/// <param name="Log">Where the queue logs what goes wrong without a client asking (category <see cref="UnreadableMessages.Category"/>).</param>
internal sealed record QueueContext(
    IQueueType Type,
    ClientConnection? ExclusiveOwner,
    TimeProvider Time,
    IDeadLetterSink DeadLetters,
    Action<Queue> AutoDelete,
    IMessageStore Messages,
    VersionProfile Profile,
    BrokerTimers Timers,
    Action<Queue> Unused,
    ILogger Log);
