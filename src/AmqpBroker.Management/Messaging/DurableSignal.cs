using AmqpBroker.Core.Storage;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// Waits for the message store's next sync: <see cref="WhenDurableAsync"/> completes once everything appended before
/// the call is on disk, and fails with <see cref="IOException"/> when the store could not make it durable (what an
/// AMQP publisher in confirm mode gets as basic.nack).
/// </summary>
internal sealed class DurableSignal : IDurabilityWaiter
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DurableSignal()
    {
    }

    public static Task WhenDurableAsync(IMessageStore store)
    {
        var signal = new DurableSignal();
        store.WhenDurable(signal, 0);
        return signal._done.Task;
    }

    public void OnDurable(ulong token) => _done.TrySetResult();

    public void OnSyncFailed(ulong token) => _done.TrySetException(new IOException("the message store could not make the messages durable"));
}
