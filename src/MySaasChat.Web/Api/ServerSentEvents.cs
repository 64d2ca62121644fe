using System.Text;

namespace MySaasChat.Web.Api;

public readonly record struct ServerSentEvent(string Name, string Data);

/// <summary>Reads text/event-stream: "event:" and "data:" lines, an empty line ends an event.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var name = "message";
        var data = new StringBuilder();
        while (true)
        {
            var line = await reader.ReadLineAsync(ct);
            if (line is null)
            {
                if (data.Length > 0) yield return new ServerSentEvent(name, data.ToString());
                yield break;
            }
            if (line.Length == 0)
            {
                if (data.Length > 0) yield return new ServerSentEvent(name, data.ToString());
                name = "message";
                data.Clear();
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "event": name = value; break;
                case "data":
                    if (data.Length > 0) data.Append('\n');
                    data.Append(value);
                    break;
            }
        }
    }
}
