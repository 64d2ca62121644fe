using MySaasChat.Contracts;
using MySaasChat.Web.Api;
using MySaasChat.Web.Components;

namespace MySaasChat.Browser.Tests;

/// <summary>The web app's own logic, without a browser.</summary>
public sealed class ComponentTests
{
    [Fact]
    public void Markdown_never_passes_raw_html_or_script_links_through()
    {
        var html = Markdown.ToHtml("Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [ok](https://example.com) ![i](data:text/html,x)");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<img src=x");
        html.ShouldContain("&lt;script&gt;");
        html.ShouldNotContain("javascript:");
        html.ShouldNotContain("data:text/html");
        html.ShouldContain("href=\"https://example.com\"");
        html.ShouldContain("rel=\"noopener noreferrer nofollow\"");
    }

    [Theory]
    [InlineData("https://example.com/a", true)]
    [InlineData("/relative/path", true)]
    [InlineData("#anchor", true)]
    [InlineData("mailto:a@example.com", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JaVaScRiPt:alert(1)", false)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData("vbscript:x", false)]
    [InlineData("data:text/html;base64,PHNjcmlwdD4=", false)]
    public void Only_safe_link_addresses_survive(string url, bool safe) => Markdown.IsSafeUrl(url).ShouldBe(safe);

    [Fact]
    public void Code_blocks_get_a_language_label_a_copy_button_and_escaped_code()
    {
        var html = Markdown.ToHtml("```csharp\nvar x = a < b && c > d;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        html.ShouldContain("data-copy-code");
        html.ShouldContain("<span>csharp</span>");
        html.ShouldContain("class=\"language-csharp\"");
        html.ShouldContain("a &lt; b &amp;&amp; c &gt; d");
        html.ShouldContain("<span class=\"tok-keyword\">var</span>");
        html.ShouldContain("<table>");
    }

    [Fact]
    public void Highlighting_colours_tokens_and_escapes_each_of_them()
    {
        var html = CodeHighlighter.ToHtml("# note\nif x == \"<b>\": return 42 // done", "python");
        html.ShouldContain("<span class=\"tok-comment\"># note</span>");
        html.ShouldContain("<span class=\"tok-keyword\">if</span>");
        html.ShouldContain("<span class=\"tok-string\">&quot;&lt;b&gt;&quot;</span>");
        html.ShouldContain("<span class=\"tok-number\">42</span>");
        html.ShouldNotContain("<b>");
        CodeHighlighter.ToHtml("<i>plain</i>", "text").ShouldBe("&lt;i&gt;plain&lt;/i&gt;");
        CodeHighlighter.ToHtml("a = b # not a comment in C", "c").ShouldNotContain("tok-comment");
    }

    [Fact]
    public void A_code_block_language_cannot_inject_attributes()
    {
        var html = Markdown.ToHtml("```x\" onmouseover=\"alert(1)\nbody\n```");
        html.ShouldNotContain("onmouseover=\"");
    }

    [Fact]
    public async Task Server_sent_events_are_split_on_blank_lines_with_multi_line_data()
    {
        var text = "event: message.created\ndata: {\"a\":1}\n\n: comment\nevent: delta\ndata: line one\ndata: line two\n\nevent: done\ndata: {}\n";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(stream, CancellationToken.None)) events.Add(e);
        events.Select(e => e.Name).ShouldBe(["message.created", "delta", "done"]);
        events[1].Data.ShouldBe("line one\nline two");
    }

    [Fact]
    public void Stream_events_are_read_from_the_chat_api_wire_format()
    {
        var id = Guid.NewGuid();
        ChatApi.Parse(new ServerSentEvent("delta", $"{{\"messageId\":\"{id}\",\"text\":\" world\"}}")).ShouldBe(new DeltaEvent(id, " world"));
        ChatApi.Parse(new ServerSentEvent("error", "{\"code\":\"chat.provider_error\",\"message\":\"down\"}")).ShouldBe(new ErrorEvent("chat.provider_error", "down"));
        ChatApi.Parse(new ServerSentEvent("something.new", "{}")).ShouldBeNull();
    }

    [Fact]
    public void Problem_details_name_the_field_at_fault()
    {
        var problem = ApiProblem.Parse(System.Net.HttpStatusCode.BadRequest,
            "{\"title\":\"Invalid request\",\"code\":\"validation_failed\",\"field\":\"password\",\"errors\":{\"password\":[\"password is too common.\"]}}");
        problem.For("password").ShouldBe("password is too common.");
        problem.For("email").ShouldBeNull();
        problem.IsAboutField("email", "password").ShouldBeTrue();

        var single = ApiProblem.Parse(System.Net.HttpStatusCode.Unauthorized, "{\"title\":\"Invalid two-factor code\",\"code\":\"auth.invalid_totp\",\"field\":\"totp\"}");
        single.For("totp").ShouldBe("Invalid two-factor code");
        ApiProblem.Parse(System.Net.HttpStatusCode.BadGateway, "<html>").Code.ShouldBe("error");
    }

    [Fact]
    public void The_sidebar_puts_pinned_first_then_groups_by_day()
    {
        var now = new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);
        ConversationSummary C(string title, DateTimeOffset at, bool pinned = false) => new(Guid.NewGuid(), title, null, null, pinned, false, at, at);
        var groups = ConversationList.Grouped(
        [
            C("old", now.AddDays(-60)), C("today", now.AddHours(-1)), C("pinned", now.AddDays(-90), pinned: true),
            C("yesterday", now.AddDays(-1)), C("week", now.AddDays(-4)), C("month", now.AddDays(-20)),
        ], now).ToList();
        groups.Select(g => g.Label).ShouldBe(["Pinned", "Today", "Yesterday", "Previous 7 days", "Previous 30 days", "Older"]);
        groups.Select(g => g.Items.Single().Title).ShouldBe(["pinned", "today", "yesterday", "week", "month", "old"]);
    }

    [Theory]
    [InlineData(10, 21)]
    [InlineData(80, 37)]
    [InlineData(100, 41)]
    [InlineData(180, 53)]
    public void Qr_codes_grow_with_the_text_and_carry_the_three_finder_patterns(int length, int size)
    {
        var modules = QrCode.Encode(System.Text.Encoding.ASCII.GetBytes(new string('a', length)));
        modules.GetLength(0).ShouldBe(size);
        foreach (var (x, y) in new[] { (0, 0), (size - 7, 0), (0, size - 7) })
        {
            for (var i = 0; i < 7; i++)
            {
                modules[y, x + i].ShouldBeTrue();
                modules[y + 6, x + i].ShouldBeTrue();
                modules[y + i, x].ShouldBeTrue();
            }
            modules[y + 1, x + 1].ShouldBeFalse();
            modules[y + 3, x + 3].ShouldBeTrue();
        }
        modules[size - 8, 8].ShouldBeTrue("the dark module");
    }

    [Fact]
    public void A_qr_code_is_plain_svg()
    {
        var svg = QrCode.ToSvg("otpauth://totp/My-SaaS-Chat:a%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My-SaaS-Chat");
        svg.ShouldStartWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        svg.ShouldNotContain("<script");
        Should.Throw<ArgumentException>(() => QrCode.Encode(new byte[400]));
    }
}
