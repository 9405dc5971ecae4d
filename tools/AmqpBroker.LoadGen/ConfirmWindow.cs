namespace AmqpBroker.LoadGen;

/// <summary>
/// Sliding window over one channel's publish sequence numbers: a publisher takes a slot before each publish,
/// and slots come back as basic.ack / basic.nack frames move the lowest unconfirmed number forward.
/// Confirms may arrive out of order; the window never spans more than its capacity.
/// Confirms for numbers never published are counted, not applied, so a misbehaving broker shows up in the summary.
/// </summary>
internal sealed class ConfirmWindow : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly bool[] _settled;
    private readonly Lock _gate = new();
    private ulong _lowestUnsettled = 1;
    private long _taken;
    private long _unexpected;
    private long _acked;
    private long _nacked;

    public ConfirmWindow(int capacity)
    {
        _slots = new SemaphoreSlim(capacity, capacity);
        _settled = new bool[capacity];
    }

    public long Acked => Interlocked.Read(ref _acked);

    public long Nacked => Interlocked.Read(ref _nacked);

    public long Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Waits for room in the window; the publish that follows gets the next sequence number.</summary>
    public async Task TakeSlotAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _taken);
    }

    /// <summary>Waits until every publish so far is confirmed or nacked, i.e. until the whole window is free again.</summary>
    public async Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _settled.Length; i++)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        _slots.Release(_settled.Length);
    }

    public void Settle(ulong deliveryTag, bool multiple, bool ack)
    {
        var freed = 0;
        lock (_gate)
        {
            var published = (ulong)Interlocked.Read(ref _taken);
            if (deliveryTag > published)
            {
                _unexpected++;
                if (!multiple)
                {
                    return;
                }
                deliveryTag = published;
            }
            var first = multiple ? _lowestUnsettled : Math.Max(deliveryTag, _lowestUnsettled);
            long newlySettled = 0;
            for (var tag = first; tag <= deliveryTag; tag++)
            {
                ref var slot = ref _settled[(int)(tag % (ulong)_settled.Length)];
                if (!slot)
                {
                    slot = true;
                    newlySettled++;
                }
            }
            Interlocked.Add(ref ack ? ref _acked : ref _nacked, newlySettled);
            while (_settled[(int)(_lowestUnsettled % (ulong)_settled.Length)])
            {
                _settled[(int)(_lowestUnsettled % (ulong)_settled.Length)] = false;
                _lowestUnsettled++;
                freed++;
            }
        }
        if (freed > 0)
        {
            _slots.Release(freed);
        }
    }

    public void Dispose() => _slots.Dispose();
}
