using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Testing.Faults;

/// <summary>What a counted fault does to the operations in its scope.</summary>
internal enum CountedFaultKind
{
    /// <summary>The publish is refused by the queues it reached and the publisher gets basic.nack.</summary>
    NackPublish,

    /// <summary>queue.declare or exchange.declare fails with the fault's reply code and text.</summary>
    RefuseDeclare,
}

/// <summary>One armed fault that hits the next <see cref="Remaining"/> operations in its scope.</summary>
internal sealed class CountedFault(CountedFaultKind kind, FaultScope scope, int count, ReplyCode code = 0, string text = "")
{
    public CountedFaultKind Kind => kind;

    public FaultScope Scope => scope;

    public ReplyCode Code => code;

    public string Text => text;

    public int Remaining { get; set; } = count;
}

/// <summary>
/// The counted faults waiting for their operations. <see cref="IsArmed"/> is one volatile read, so the
/// publish and declare paths pay a single predictable branch while nothing is armed.
/// </summary>
internal sealed class CountedFaults
{
    private readonly Lock _lock = new();
    private readonly List<CountedFault> _armed = [];
    private volatile bool _isArmed;

    public bool IsArmed => _isArmed;

    public void Arm(CountedFault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fault.Remaining);
        lock (_lock)
        {
            _armed.Add(fault);
            _isArmed = true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _armed.Clear();
            _isArmed = false;
        }
    }

    /// <summary>Takes one hit from the first armed fault of this kind that <paramref name="matches"/>; null when none does.</summary>
    public CountedFault? Take(CountedFaultKind kind, Func<FaultScope, bool> matches)
    {
        lock (_lock)
        {
            var fault = _armed.Find(f => f.Kind == kind && matches(f.Scope));
            if (fault is null)
            {
                return null;
            }

            if (--fault.Remaining == 0)
            {
                _armed.Remove(fault);
                _isArmed = _armed.Count > 0;
            }

            return fault;
        }
    }
}
