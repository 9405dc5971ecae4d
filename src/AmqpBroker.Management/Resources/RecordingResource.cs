using System.Text;
using AmqpBroker.Core.Testing.Recording;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/recording: the broker's current recording (<see cref="BrokerRecorder"/>), for administrators: JSON by
/// default, the one-line-per-frame text trace with <c>?format=text</c>; DELETE forgets it.
/// </summary>
internal static class RecordingResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/recording", Access.Administrator, async request =>
        {
            var commands = request.Broker.Recorder.Commands;
            var text = request.Query("format") == "text";
            var response = request.Http.Response;
            response.ContentType = text ? "text/plain; charset=utf-8" : "application/json";
            await response.WriteAsync(text ? RecordingText.Write(commands) : RecordingJson.Write(commands), Encoding.UTF8).ConfigureAwait(false);
        });
        routes.Delete("/api/recording", Access.Administrator, request =>
        {
            request.Broker.Recorder.Clear();
            request.NoContent();
            return Task.CompletedTask;
        });
    }
}
