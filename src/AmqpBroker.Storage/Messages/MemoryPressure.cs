using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Whether the memory alarm is raised, as every queue asks on each arriving message: the alarms' lock is taken
/// at most once a millisecond for the whole store, and a queue sees a change within that millisecond.
/// </summary>
internal sealed class MemoryPressure(ResourceAlarms alarms)
{
    private long _checkedAt = long.MinValue;
    private volatile bool _raised;

    public bool IsRaised
    {
        get
        {
            var now = Environment.TickCount64;
            if (Volatile.Read(ref _checkedAt) != now)
            {
                // Racing threads may both check: harmless, the answer is the same.
                _raised = alarms.IsRaised(AlarmResource.Memory);
                Volatile.Write(ref _checkedAt, now);
            }

            return _raised;
        }
    }
}
