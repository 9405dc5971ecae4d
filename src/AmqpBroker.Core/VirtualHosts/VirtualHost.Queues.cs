using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// The virtual host's queues: declare (the queue's type decides the rules, see <see cref="IQueueType"/>),
/// lookup, delete, auto-delete and exclusive-queue cleanup, all under the topology lock.
/// </summary>
public sealed partial class VirtualHost
{
    public Queue? FindQueue(string name) => _queues.GetValueOrDefault(name);

    /// <summary>The queue, checked for exclusive access by <paramref name="connection"/>.</summary>
    public Queue GetQueue(string name, ClientConnection? connection)
    {
        var queue = FindQueue(name) ?? throw AmqpException.NotFound($"no queue '{name}' in vhost '{Name}'");
        if (connection is not null)
        {
            queue.CheckAccess(connection);
        }

        return queue;
    }

    /// <summary>
    /// Declares or redeclares a queue. <paramref name="owner"/> is the declaring connection. A name the
    /// client chose may not start with <c>amq.</c>; server-generated names (<c>amq.gen-…</c>) do. A declaration
    /// without <c>x-queue-type</c> gets the vhost's default type as the profile's release does
    /// (<see cref="QueueTypeRegistry.WithDefaultType"/>), for the equivalence check and for a new queue alike.
    /// </summary>
    public Queue DeclareQueue(QueueDefinition definition, ClientConnection owner, bool passive, bool serverNamed = false, ResourceAccess? access = null)
    {
        if (passive)
        {
            CheckPassiveDeclareAccess(access, ResourceKind.Queue, definition.Name);
            var found = GetQueue(definition.Name, owner);
            found.OnDeclaredAgain();
            return found;
        }

        var transient = DeprecatedFeature.TransientNonExclusiveQueuesOf(_services.Settings);
        definition = WithDefaultTypeAndCheckedName(definition, serverNamed, transient);
        access?.Check(AccessKind.Configure, ResourceKind.Queue, definition.Name);
        // Counted where rabbit_channel counts it: past the name and permission checks, before the equivalence check.
        _services.Churn.OnQueueDeclared();
        lock (_topology)
        {
            // An existing queue is checked for equivalence first, as RabbitMQ does; only a new one has its arguments validated.
            if (_queues.TryGetValue(definition.Name, out var existing))
            {
                existing.CheckAccess(owner);
                existing.CheckExclusivity(definition.Exclusive);
                DeclareEquivalence.CheckQueue(existing.Definition, definition, existing.Type.Capabilities.QueueArgumentNames, _services.QueueTypes.Default.Name);
                existing.OnDeclaredAgain();
                return existing;
            }

            return CreateDeclaredQueue(definition, owner, access, transient);
        }
    }

    /// <summary>
    /// A passive declare's permission check, before the lookup: any permission on the resource from 4.2.7/4.3.1
    /// (<see cref="VersionProfile.PassiveDeclareNeedsAnyPermission"/>), none before. A queue name starting
    /// <c>amq.rabbitmq.reply-to</c> is direct reply-to's, which RabbitMQ answers (or refuses with 404) unchecked.
    /// </summary>
    private void CheckPassiveDeclareAccess(ResourceAccess? access, ResourceKind kind, string name)
    {
        if (_services.Settings.Profile.PassiveDeclareNeedsAnyPermission
            && !(kind == ResourceKind.Queue && name.StartsWith(DirectReplyRegistry.PseudoQueue, StringComparison.Ordinal)))
        {
            access?.CheckAny(kind, name);
        }
    }

    /// <summary>
    /// The declared definition with the default queue type applied, and its name checked: a server-named queue's type
    /// must allow server names, and a name the client chose may not start with <c>amq.</c>.
    /// </summary>
    private QueueDefinition WithDefaultTypeAndCheckedName(QueueDefinition definition, bool serverNamed, DeprecatedFeature transient)
    {
        var profile = _services.Settings.Profile;
        var defaultType = Metadata.DefaultQueueType ?? (profile.RecordsDefaultQueueType ? _services.Settings.DefaultQueueType : null);
        definition = _services.QueueTypes.WithDefaultType(definition, defaultType, profile.RecordsDefaultQueueType, transient.IsPermitted);
        if (serverNamed && _services.QueueTypes.Resolve(definition).Capabilities is { ServerNamed: false } type)
        {
            throw AmqpException.PreconditionFailed($"Cannot declare a server-named queue for type {type.Module}");
        }

        if (!serverNamed && definition.Name.StartsWith("amq.", StringComparison.Ordinal))
        {
            throw AmqpException.AccessRefused($"queue name '{definition.Name}' contains reserved prefix 'amq.*'");
        }

        return definition;
    }

    /// <summary>A queue new to the vhost, under the topology lock: checked against the limits, permissions and profile, then created and stored.</summary>
    private Queue CreateDeclaredQueue(QueueDefinition definition, ClientConnection owner, ResourceAccess? access, DeprecatedFeature transient)
    {
        _services.Limits.CheckNewQueue(this, definition.Name);
        if (access is not null && definition.Arguments.GetValueOrDefault("x-dead-letter-exchange") is string deadLetterExchange)
        {
            // Dead letters will flow from the new queue into its DLX: RabbitMQ asks for both ends.
            access.Check(AccessKind.Read, ResourceKind.Queue, definition.Name);
            access.Check(AccessKind.Write, ResourceKind.Exchange, deadLetterExchange);
        }

        CheckNewQueueAllowed(definition, transient);
        var queue = CreateQueue(definition, definition.Exclusive ? owner : null, out _);
        Adopt(queue);
        _durable.PutQueue(queue);
        _services.Churn.OnQueueCreated();
        return queue;
    }

    /// <summary>
    /// What the profile refuses of a new queue before its type sees it: a transient non-exclusive queue while that
    /// deprecated feature is denied (541, a connection error, as rabbit_amqqueue:declare at v4.3.0 answers), and in
    /// strict mode arguments the release would not act on.
    /// </summary>
    private void CheckNewQueueAllowed(QueueDefinition definition, DeprecatedFeature transient)
    {
        if (!definition.Durable && !definition.Exclusive && !transient.IsPermitted)
        {
            throw AmqpException.InternalError(transient.DeniedMessage);
        }

        if (_services.Settings.Strict)
        {
            StrictArguments.Check(_services.Settings.Profile, ArgumentPlace.QueueDeclare, definition.Arguments, QueueArguments.Describe(definition), _services.QueueTypes.Resolve(definition).Name);
        }
    }

    /// <summary>
    /// Deletes a queue and its bindings; returns how many ready messages it held. Deleting a queue
    /// that does not exist succeeds with zero, as in RabbitMQ.
    /// </summary>
    public uint DeleteQueue(string name, bool ifUnused, bool ifEmpty, ClientConnection? connection, ResourceAccess? access = null)
    {
        access?.Check(AccessKind.Configure, ResourceKind.Queue, name);
        lock (_topology)
        {
            if (!_queues.TryGetValue(name, out var queue))
            {
                return 0;
            }

            if (connection is not null)
            {
                queue.CheckAccess(connection);
            }

            if (ifUnused && !queue.IsUnused)
            {
                throw AmqpException.PreconditionFailed($"queue '{name}' in vhost '{Name}' in use");
            }

            if (ifEmpty && queue.ReadyCount > 0)
            {
                throw AmqpException.PreconditionFailed($"queue '{name}' in vhost '{Name}' not empty");
            }

            return RemoveQueueLocked(queue);
        }
    }

    /// <summary>The connection closed: its exclusive queues go with it.</summary>
    public void OnConnectionClosed(ClientConnection connection)
    {
        lock (_topology)
        {
            foreach (var queue in _queues.Values)
            {
                if (ReferenceEquals(queue.ExclusiveOwner, connection))
                {
                    RemoveQueueLocked(queue);
                    VirtualHostLog.ExclusiveQueueDeleted(_log, Name, queue.Name, connection.Name);
                }
            }
        }
    }

    /// <summary>
    /// A queue of the type its x-queue-type names, its declaration checked by that type's rules, with the
    /// matching policy in force; <paramref name="recovered"/> is what its message log still held.
    /// </summary>
    internal Queue CreateQueue(QueueDefinition definition, ClientConnection? exclusiveOwner, out IReadOnlyList<RecoveredEntry> recovered)
    {
        var type = _services.QueueTypes.Resolve(definition);
        var arguments = type.Validate(definition, serverNamed: false);
        if (_services.Settings.Profile.QueueModeIgnored)
        {
            arguments = arguments.WithoutQueueMode();
        }

        var context = new QueueContext(type, exclusiveOwner, _services.Time, _deadLetters, AutoDeleteQueue, _services.Messages, _services.Settings.Profile, _services.Timers, ExpireUnusedQueue, _queueLog);
        var queue = type.Create(definition, arguments, context, out recovered);
        _policies.ApplyTo(queue);
        return queue;
    }

    internal void Adopt(Queue queue) => _queues[queue.Name] = queue;

    private void AutoDeleteQueue(Queue queue)
    {
        if (TryRemoveQueue(queue))
        {
            VirtualHostLog.QueueAutoDeleted(_log, Name, queue.Name);
        }
    }

    /// <summary>x-expires: the queue went unused past its limit.</summary>
    private void ExpireUnusedQueue(Queue queue)
    {
        if (TryRemoveQueue(queue))
        {
            VirtualHostLog.QueueExpired(_log, Name, queue.Name, queue.Arguments.Expires ?? 0);
        }
    }

    /// <summary>Removes <paramref name="queue"/> unless it is already gone (or replaced by a new one of its name).</summary>
    private bool TryRemoveQueue(Queue queue)
    {
        lock (_topology)
        {
            if (!_queues.TryGetValue(queue.Name, out var current) || !ReferenceEquals(current, queue))
            {
                return false;
            }

            RemoveQueueLocked(queue);
            return true;
        }
    }

    private uint RemoveQueueLocked(Queue queue)
    {
        _queues.TryRemove(new KeyValuePair<string, Queue>(queue.Name, queue));
        _durable.DeleteQueue(queue);
        RemoveBindingsToLocked(queue);
        var ready = queue.Delete();
        _durable.DeleteMessages(queue);
        _services.Churn.OnQueuesDeleted(1);
        return ready;
    }
}
