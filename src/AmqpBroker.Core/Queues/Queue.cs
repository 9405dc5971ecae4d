using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue of one of the broker's types (<see cref="IQueueType"/>), as channels, exchanges, policies and the
/// management API see it: what queue.declare fixed, the arguments in force with the applying policy, who may
/// use it (<see cref="QueueOwnership"/>), when it was last used (<see cref="QueueUsage"/>), and the operations
/// every type answers in its own way — enqueue, get, consume, settle, purge, delete. Classic and quorum
/// queues share <see cref="MessageQueue"/>; a stream is an append-only log.
/// </summary>
public abstract class Queue : IBindingDestination
{
    private readonly QueueUsage _usage;
    private readonly Action<Queue> _unused;
    private readonly QueueOwnership _ownership;
    private volatile QueueArguments _arguments;
    private volatile Policy? _policy;
    private volatile Policy? _operatorPolicy;

    private protected Queue(QueueDefinition definition, QueueArguments arguments, QueueContext context)
    {
        Definition = definition;
        DeclaredArguments = _arguments = arguments;
        Type = context.Type;
        _unused = context.Unused;
        _usage = new QueueUsage(context.Timers, CheckUnused);
        _usage.Watch(arguments.Expires);
        _ownership = new QueueOwnership(definition, context.ExclusiveOwner);
    }

    public QueueDefinition Definition { get; }

    /// <summary>The <c>x-queue-type</c> name of the queue's type: <c>classic</c>, <c>quorum</c> or <c>stream</c>.</summary>
    public string TypeName => Type.Name;

    /// <summary>The arguments the queue was declared with.</summary>
    public QueueArguments DeclaredArguments { get; }

    /// <summary>
    /// The arguments in force: the declared ones combined with the applying policy's. Replaced whole when
    /// policies change, so readers take no lock and see one consistent set per read.
    /// </summary>
    public QueueArguments Arguments => _arguments;

    /// <summary>The policy that applies to this queue, if any (RabbitMQ's <c>policy</c> of a queue).</summary>
    public Policy? Policy => _policy;

    public string? PolicyName => _policy?.Name;

    /// <summary>The operator policy that applies to this queue, if any (RabbitMQ's <c>operator_policy</c> of a queue).</summary>
    public Policy? OperatorPolicy => _operatorPolicy;

    /// <summary>The policy's and operator policy's definitions merged (RabbitMQ's <c>effective_policy_definition</c>).</summary>
    public IReadOnlyDictionary<string, object?> EffectivePolicyDefinition => OperatorPolicies.MergeDefinitions(_policy, _operatorPolicy);

    public string Name => Definition.Name;

    public ClientConnection? ExclusiveOwner => _ownership.Owner;

    public bool IsDurable => Definition.Durable && !Definition.Exclusive;

    public bool IsDeleted { get; private protected set; }

    /// <summary>Message events of this queue, counted by the virtual host and the sessions that use it.</summary>
    public MessageCounters Counters { get; } = new();

    /// <summary>Messages a consumer or basic.get could take now (for a stream: every message it holds).</summary>
    public abstract int ReadyCount { get; }

    public abstract long ReadyBytes { get; }

    public abstract int UnackedCount { get; }

    public abstract int ConsumerCount { get; }

    /// <summary>Where the queue's messages are and what they weigh (<see cref="QueueFootprint"/>); a type without a log reports its counts only.</summary>
    public virtual QueueFootprint Footprint => QueueFootprint.Counts(ReadyCount, ReadyBytes, UnackedCount);

    /// <summary>The recent share of time (0 to 1) in which consumers could take a message at once (RabbitMQ's consumer capacity); 0 without consumers.</summary>
    public virtual double ConsumerCapacity => ConsumerCount > 0 ? 1 : 0;

    public bool IsUnused => ConsumerCount == 0;

    /// <summary>With x-single-active-consumer, the consumer that receives the messages now; otherwise null.</summary>
    public virtual Consumer? ActiveConsumer => null;

    internal IQueueType Type { get; }

    /// <summary>Publisher flow control into this queue (<see cref="QueueCredit"/>); null for a type that has none (streams).</summary>
    internal QueueCredit? Credit { get; private protected set; }

    /// <summary>Who may use the queue and consume from it exclusively.</summary>
    private protected QueueOwnership Ownership => _ownership;

    /// <summary>Throws 405 RESOURCE_LOCKED when the queue is exclusive to another connection.</summary>
    public void CheckAccess(ClientConnection connection) => _ownership.CheckAccess(connection);

    /// <summary>A redeclare must ask for the exclusivity the queue was declared with; RabbitMQ answers 405 otherwise.</summary>
    public void CheckExclusivity(bool exclusive) => _ownership.CheckExclusivity(exclusive);

    /// <summary>basic.get, basic.consume and redeclare count as use for x-expires.</summary>
    public void MarkUsed() => _usage.MarkUsed();

    /// <summary>A redeclaration or passive declaration: use for x-expires, as RabbitMQ's classic queues count it.</summary>
    internal virtual void OnDeclaredAgain() => MarkUsed();

    /// <summary>
    /// Takes a reference on <paramref name="message"/> and delivers it at once if a consumer has credit.
    /// Returns false when the queue refused it (x-overflow reject-publish), which confirms as basic.nack.
    /// </summary>
    public abstract bool Enqueue(Message message);

    /// <summary>basic.get: takes the next message for a delivery that must be settled, or false when there is none.</summary>
    public abstract bool TryTake(out QueueEntry entry, out uint remaining);

    /// <summary>An unacked delivery came back explicitly (basic.nack/reject with requeue, basic.recover).</summary>
    public void Requeue(QueueEntry entry) => Return(entry, consumerGone: false);

    /// <summary>An unacked delivery was acked: the queue lets go of it.</summary>
    public abstract void Settle(QueueEntry entry);

    /// <summary>An unacked delivery was rejected without requeue: dead-lettered, or dropped without a DLX.</summary>
    public abstract void Reject(QueueEntry entry);

    public abstract uint Purge();

    /// <summary>
    /// Checks a basic.consume against this queue's type before the consumer exists: its arguments and, for
    /// types that need them, the channel's prefetch and acknowledgement mode (RabbitMQ's texts and codes).
    /// </summary>
    public void CheckConsume(in ConsumeRequest request) => Type.CheckConsume(this, request);

    public abstract void AddConsumer(Consumer consumer);

    /// <summary>Removes a consumer; an auto-delete queue that loses its last one deletes itself.</summary>
    public abstract void RemoveConsumer(Consumer consumer);

    /// <summary>Delivers for as long as some consumer has credit.</summary>
    public abstract void Drain();

    /// <summary>
    /// An unacked delivery came back: explicitly, or because its channel or connection went away
    /// (<paramref name="consumerGone"/>, which RabbitMQ 4.3 counts as a failed delivery).
    /// </summary>
    internal abstract void Return(QueueEntry entry, bool consumerGone);

    /// <summary>Whether a publisher's confirm for <paramref name="message"/> waits for the store's sync once it is here.</summary>
    internal abstract bool NeedsSync(Message message);

    /// <summary>Refills the queue at start from what its store still held.</summary>
    internal abstract void Recover(IReadOnlyList<RecoveredEntry> recovered);

    /// <summary>Marks the queue deleted, drops its messages and tells its consumers; returns the ready count.</summary>
    internal abstract uint Delete();

    /// <summary>Snapshots for tests: the ready messages in order, each with a reference for the snapshot.</summary>
    internal abstract List<SnapshotMessage> SnapshotReady(long nowMs);

    /// <summary>Refills a new queue from a snapshot, each message with the time to live it had left.</summary>
    internal abstract void Restore(IReadOnlyList<SnapshotMessage> messages, long nowMs);

    /// <summary>
    /// A test fault: cancels every consumer from the broker's side, as RabbitMQ does when a queue fails over (each
    /// channel gets basic.cancel; unacked deliveries, the queue and its messages stay). Returns how many.
    /// </summary>
    internal abstract int CancelConsumersFromBroker();

    /// <summary>The queue is gone: its x-expires timer stops.</summary>
    private protected void StopUsageTimer() => _usage.Stop();

    /// <summary>Puts <paramref name="effective"/> (declared arguments combined with the policies' merged settings) in force.</summary>
    internal void ApplyPolicy(Policy? policy, Policy? operatorPolicy, QueueArguments effective)
    {
        _policy = policy;
        _operatorPolicy = operatorPolicy;
        _arguments = effective;
        OnArgumentsChanged(effective);

        // As in RabbitMQ, the x-expires countdown restarts.
        MarkUsed();
        _usage.Watch(effective.Expires);
    }

    /// <summary>x-expires: unused (no consumers, no get, no redeclare) for longer than the limit.</summary>
    private bool HasExpiredUnused() =>
        Arguments.Expires is { } expires && ConsumerCount == 0 && _usage.IsUnusedFor(expires);

    /// <summary>The x-expires timer: the virtual host deletes a queue unused past its limit; otherwise the timer is set again.</summary>
    private void CheckUnused()
    {
        if (HasExpiredUnused())
        {
            _unused(this);
        }
        else
        {
            _usage.Watch(Arguments.Expires, inUse: ConsumerCount > 0);
        }
    }

    /// <summary>New arguments are in force (a policy changed); e.g. a lowered length limit drops heads at once.</summary>
    private protected abstract void OnArgumentsChanged(QueueArguments effective);
}
