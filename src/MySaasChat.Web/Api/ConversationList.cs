namespace MySaasChat.Web.Api;

/// <summary>The sidebar's conversations, shared with the chat page so both show the same titles and pins.</summary>
public sealed class ConversationList(ChatApi chat)
{
    public List<ConversationSummary> Items { get; private set; } = [];
    public string Query { get; private set; } = "";
    /// <summary>Showing archived conversations instead of the active ones.</summary>
    public bool Archived { get; private set; }
    public bool Loading { get; private set; }
    public ApiProblem? Error { get; private set; }
    public UsageInfo? Usage { get; private set; }
    public event Action? Changed;

    public async Task LoadAsync(string? query = null, bool? archived = null)
    {
        Query = query ?? Query;
        Archived = archived ?? Archived;
        Loading = true;
        Changed?.Invoke();
        try
        {
            Items = (await chat.ListAsync(Query, Archived)).Items.ToList();
            Error = null;
        }
        catch (ApiProblem p)
        {
            Error = p;
        }
        finally
        {
            Loading = false;
            Changed?.Invoke();
        }
    }

    public async Task LoadUsageAsync()
    {
        try
        {
            Usage = await chat.UsageAsync();
            Changed?.Invoke();
        }
        catch (ApiProblem)
        {
            // The meter is a nicety; the chat works without it.
        }
    }

    /// <summary>Puts a new or changed conversation in its place (pinned first, then most recent).</summary>
    public void Upsert(ConversationSummary c)
    {
        Items.RemoveAll(x => x.Id == c.Id);
        if (c.Archived == Archived && (Query.Length == 0 || c.Title.Contains(Query, StringComparison.OrdinalIgnoreCase)))
        {
            Items.Add(c);
        }
        Items = Items.OrderByDescending(x => x.Pinned).ThenByDescending(x => x.UpdatedAt).ToList();
        Changed?.Invoke();
    }

    public void Remove(Guid id)
    {
        Items.RemoveAll(x => x.Id == id);
        Changed?.Invoke();
    }

    public void Clear()
    {
        Items = [];
        Usage = null;
        Query = "";
        Archived = false;
    }

    /// <summary>Groups for the sidebar: pinned, then by how long ago the conversation was active.</summary>
    public static IEnumerable<(string Label, List<ConversationSummary> Items)> Grouped(IEnumerable<ConversationSummary> items, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.Date, now.Offset);
        string Group(ConversationSummary c)
        {
            if (c.Pinned) return "Pinned";
            var at = c.UpdatedAt.ToOffset(now.Offset);
            if (at >= today) return "Today";
            if (at >= today.AddDays(-1)) return "Yesterday";
            if (at >= today.AddDays(-7)) return "Previous 7 days";
            if (at >= today.AddDays(-30)) return "Previous 30 days";
            return "Older";
        }
        string[] order = ["Pinned", "Today", "Yesterday", "Previous 7 days", "Previous 30 days", "Older"];
        return items.GroupBy(Group)
            .OrderBy(g => Array.IndexOf(order, g.Key))
            .Select(g => (g.Key, g.OrderByDescending(c => c.UpdatedAt).ToList()));
    }
}
