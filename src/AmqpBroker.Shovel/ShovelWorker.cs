using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Shovels;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Shovel;

/// <summary>
/// Runs one dynamic shovel until it is stopped, as RabbitMQ's shovel worker and its supervisor do: reports
/// <c>starting</c>, connects, reports <c>running</c> and moves messages; when an end fails it reports
/// <c>terminated</c> with the reason and starts again: at once the first time, after the reconnect delay every later
/// time (never, with a delay of 0).
/// While no URI of an end answers it keeps trying, between attempts <c>starting</c>, unlisted or <c>terminated</c>
/// as the release does (<see cref="VersionProfile.ShovelConnectFailureStatus"/>). A delete-after shovel that has
/// moved its messages deletes its own parameter, and so does one whose <c>src-delete-after-duration</c> has passed
/// since it started consuming (rabbit_shovel_util:sched_expire_after_duration at v4.3.5: the clock starts again on
/// every start, and the duration is at least the floor).
/// </summary>
internal sealed class ShovelWorker : IAsyncDisposable
{
    /// <summary>The shortest <c>src-delete-after-duration</c>: RabbitMQ's default <c>shovel.delete_after_duration_floor</c> (rabbit_shovel.hrl at v4.3.5).</summary>
    private static readonly TimeSpan DeleteAfterDurationFloor = TimeSpan.FromSeconds(60);

    private readonly ShovelIdentity _identity;
    private readonly ShovelDefinition _definition;
    private readonly ShovelEnvironment _environment;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private volatile ShovelStatus? _status;

    public ShovelWorker(ShovelIdentity identity, ShovelDefinition definition, ShovelEnvironment environment)
    {
        _identity = identity;
        _definition = definition;
        _environment = environment;
        _status = Status(ShovelStatus.Starting, []);
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>What the shovel reports now; null while it is unlisted (<see cref="ShovelConnectFailureStatus.Unlisted"/>).</summary>
    public ShovelStatus? CurrentStatus => _status;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        // RabbitMQ's worker supervisor allows one restart in an unbounded period ({one_for_one, 1, ?MAX_WAIT} in
        // rabbit_shovel_dyn_worker_sup, v3.10.8 to v4.3.5): the first failure restarts the worker at once. Past that
        // supervisor2 delays the restart by reconnect-delay, and the delayed restart uses the allowance up again.
        var restartAtOnce = true;
        while (!stop.IsCancellationRequested)
        {
            _status = Status(ShovelStatus.Starting, []);
            if (await RunOnceAsync(stop).ConfigureAwait(false))
            {
                return;
            }

            if (_definition.ReconnectDelay <= TimeSpan.Zero)
            {
                return;
            }

            if (restartAtOnce)
            {
                restartAtOnce = false;
                continue;
            }

            try
            {
                await Task.Delay(_definition.ReconnectDelay, _environment.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One connection attempt and run; true when the shovel is done for good (moved everything, or stopped).</summary>
    private async Task<bool> RunOnceAsync(CancellationToken stop)
    {
        ShovelTransfer? transfer = null;
        var settingUp = true;
        try
        {
            transfer = await ShovelTransfer.StartAsync(_definition, _identity, _environment.Local(), _environment.Time, _environment.Profile, stop).ConfigureAwait(false);
            settingUp = false;
            if (transfer is null)
            {
                Finish();
                return true;
            }

            using var expiry = ScheduleExpiry(transfer);
            _status = Status(ShovelStatus.Running, transfer.Details);
            ShovelLog.Running(_environment.Logger, _identity.Name, _identity.VirtualHost);
            var (completed, failure) = await transfer.RunAsync(stop).ConfigureAwait(false);
            if (completed)
            {
                await transfer.DisposeAsync().ConfigureAwait(false);
                transfer = null;
                Finish();
                return true;
            }

            if (failure!.Reason(_environment.Profile) is { } reason)
            {
                Terminate(reason);
            }
            else
            {
                ShovelLog.StoppedUnreported(_environment.Logger, _identity.Name, _identity.VirtualHost, failure.ToString());
            }

            return false;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return true;
        }
        catch (ShovelConnectException ex)
        {
            ConnectFailed(ex);
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Terminate(settingUp ? SetupFailureReason(ex) : ex.Message);
            return false;
        }
        finally
        {
            if (transfer is not null)
            {
                await transfer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A declare, bind or consume the other side refused, or a connection lost while setting up. Until 4.3.5 the worker
    /// crashes on a call the server refused, which rabbit_shovel_worker:terminate/2 reports as a restart (checked against
    /// RabbitMQ 3.10.8 binding to a missing source exchange; the same clause up to v4.3.4).
    /// </summary>
    private string SetupFailureReason(Exception failure)
    {
        if (_environment.Profile.ShovelTopologyFailureReason)
        {
            return ErlangText.Quoted("failed to set up topology");
        }

        return failure is OperationInterruptedException { ShutdownReason.Initiator: ShutdownInitiator.Peer }
            ? ShovelFailure.NeedsRestart.Reason(_environment.Profile)!
            : failure.Message;
    }

    /// <summary>Ends <paramref name="transfer"/> as completed once the shovel's <c>src-delete-after-duration</c> has passed; null without one.</summary>
    private ITimer? ScheduleExpiry(ShovelTransfer transfer)
    {
        if (_definition.DeleteAfterDuration is not { } duration)
        {
            return null;
        }

        if (duration < DeleteAfterDurationFloor)
        {
            ShovelLog.DurationRaised(_environment.Logger, _identity.Name, (long)duration.TotalSeconds, (long)DeleteAfterDurationFloor.TotalSeconds);
            duration = DeleteAfterDurationFloor;
        }

        return _environment.Time.CreateTimer(_ => transfer.Expire(), null, duration, Timeout.InfiniteTimeSpan);
    }

    /// <summary>No URI of an end answered: the status shows it until the next attempt as the release does.</summary>
    private void ConnectFailed(ShovelConnectException failure)
    {
        ShovelLog.ConnectFailed(_environment.Logger, _identity.Name, _identity.VirtualHost, failure.Message);
        switch (_environment.Profile.ShovelConnectFailureStatus)
        {
            case ShovelConnectFailureStatus.Terminated:
                Terminate(ErlangText.Quoted($"failed to connect to {failure.Role}"));
                break;
            case ShovelConnectFailureStatus.Unlisted:
                _status = null;
                break;
            default:
                break;
        }
    }

    private void Terminate(string reason)
    {
        _status = Status(ShovelStatus.Terminated, [new("reason", reason)]);
        ShovelLog.Terminated(_environment.Logger, _identity.Name, _identity.VirtualHost, reason);
    }

    /// <summary>A delete-after shovel moved what it was to move: its parameter goes, which stops and forgets it.</summary>
    private void Finish()
    {
        ShovelLog.Completed(_environment.Logger, _identity.Name, _identity.VirtualHost);
        _ = Task.Run(() => _environment.DeleteParameter(_identity));
    }

    private ShovelStatus Status(string state, IReadOnlyList<KeyValuePair<string, string>> details) =>
        new(_identity.VirtualHost, _identity.Name, state, _environment.Time.GetUtcNow(), details);
}

/// <summary>What every shovel of a broker shares: where local URIs connect, the clock, the log, how a finished shovel deletes its parameter, and the release it behaves as.</summary>
internal sealed record ShovelEnvironment(Func<LocalBroker> Local, TimeProvider Time, ILogger Logger, Action<ShovelIdentity> DeleteParameter, VersionProfile Profile);
