namespace AmqpBroker.InteropTests.Shovels;

/// <summary>A management test that defines shovels in the default vhost of the broker under test and deletes them after each test.</summary>
public abstract class ShovelTestBase : ManagementTestBase
{
    private readonly List<string> _shovels = [];

    /// <summary>Deletes the test's shovels through their parameters (which no release protects), also when it failed before it stopped them.</summary>
    [TearDown]
    public async Task DeleteShovelsAsync()
    {
        foreach (var name in _shovels)
        {
            await SendAsync(HttpMethod.Delete, $"api/parameters/shovel/%2F/{Segment(name)}");
        }

        _shovels.Clear();
    }

    /// <summary>Has the shovel <paramref name="name"/> deleted after the test; returns the name.</summary>
    protected string TrackShovel(string name)
    {
        _shovels.Add(name);
        return name;
    }
}
