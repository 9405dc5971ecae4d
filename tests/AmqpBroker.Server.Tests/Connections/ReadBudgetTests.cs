using AmqpBroker.Server.Connections;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>Fair scheduling: a read loop yields once it has parsed its budget of frames or bytes.</summary>
[TestFixture]
public sealed class ReadBudgetTests
{
    [Test]
    public void The_read_budget_is_spent_after_its_frames_or_its_bytes()
    {
        var frames = new ReadBudget();
        for (var i = 0; i < ReadBudget.MaxFrames - 1; i++)
        {
            frames.Spend(8);
        }

        Assert.That(frames.IsSpent, Is.False);
        frames.Spend(8);
        Assert.That(frames.IsSpent, Is.True);

        var bytes = new ReadBudget();
        bytes.Spend(ReadBudget.MaxBytes - 1);
        Assert.That(bytes.IsSpent, Is.False);
        bytes.Spend(1);
        Assert.That(bytes.IsSpent, Is.True);
    }
}
