using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Xunit.Abstractions;
using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>
/// Answers are stored as FHIR QuestionnaireResponse JSON, written and read without Firely's model. The texts in
/// TestData/stored were written by Firely's serialiser before; they are read and written again to the very same text,
/// and anything written now is the text Firely gives for the same resource, so both readers agree on it.
/// </summary>
[Trait("Capability", "Measures")]
[Trait("Capability", "Proof")]
public sealed class StoredResponseTests(ITestOutputHelper output)
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();

    public static TheoryData<string> StoredFiles() =>
        [.. Directory.GetFiles(TestData("stored"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(StoredFiles))]
    public void AnswersStoredBeforeAreReadAndWrittenAgainToTheSameText(string file)
    {
        var json = ReadTestData(Path.Combine("stored", file));

        var read = QuestionnaireResponseMapper.FromStoredJson(json, Catalog);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        var instrument = Catalog.Get(read.Response!.InstrumentId);
        Assert.Equal(json, QuestionnaireResponseMapper.ToJson(instrument, read.Response));
        var byFirely = QuestionnaireResponseMapper.FromJson(json, Catalog);
        Assert.True(byFirely.Succeeded, string.Join(Environment.NewLine, byFirely.Errors));
        Assert.Equal(json, QuestionnaireResponseMapper.ToJson(instrument, byFirely.Response!));
    }

    [Fact]
    public void AStoredResponseKeepsWhatItSaid()
    {
        var read = QuestionnaireResponseMapper.FromStoredJson(ReadTestData(Path.Combine("stored", "observer-family.json")), Catalog).Response!;

        Assert.Equal("observer-family-alliance", read.InstrumentId);
        Assert.Equal(Rater.Observer, read.Details.Rater);
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 23, 59, 59, 123, TimeSpan.FromHours(10)), read.Details.Authored);
        Assert.Equal(TimeSpan.FromHours(10), read.Details.Authored.Offset);
        Assert.Equal("Practitioner/bbbbbbbb-0000-4000-8000-000000000009", read.Details.Author);
        Assert.Null(read.Details.Subject);
        Assert.Equal(
            ["engagement[Patient/aaaaaaaa-0000-4000-8000-000000000001]=-2", "connection[Patient/aaaaaaaa-0000-4000-8000-000000000001]=3",
             "safety[Patient/aaaaaaaa-0000-4000-8000-000000000001]=2", "engagement[Patient/aaaaaaaa-0000-4000-8000-000000000002]=3",
             "connection[Patient/aaaaaaaa-0000-4000-8000-000000000002]=-1", "shared-purpose=3"],
            read.Answers.Select(a => $"{a.FieldName}={a.Value}"));
        // Hand-worked: engagement (-2 + 3) / 2 = 0.5, connection (3 - 1) / 2 = 1, safety 2 (one of two members rated:
        // prorated), shared purpose 3; the total is the mean of the four subscales, (0.5 + 1 + 2 + 3) / 4 = 1.625 → 1.6.
        Assert.Equal(1.6m, read.Score.Total);
        Assert.Equal(0.5m, read.Score.Subscale("engagement")!.Score);
        Assert.True(read.Score.Subscale("safety")!.Prorated);

        var privateAnswer = QuestionnaireResponseMapper.FromStoredJson(ReadTestData(Path.Combine("stored", "alliance-check.json")), Catalog).Response!
            .Answers.Single(a => a.LinkId == "comment");
        Assert.True(privateAnswer.IsPrivate);
        Assert.Equal("Ça va — \"mostly\" <fine> & 'calm'\nline two 😀", privateAnswer.Value.ToString());
    }

    [Fact]
    public void WhatIsWrittenNowIsTheTextFirelyWritesAndBothReadersReadItAlike()
    {
        var instruments = InstrumentCatalog.BuiltIns;
        var gen = from instrument in Gen.Elements(instruments.ToArray())
                  from values in Gen.ArrayOf(Gen.Choose(0, 1000), 40)
                  from drop in Gen.Choose(0, 3)
                  from hidden in Gen.Elements(false, true)
                  from ticks in Gen.Choose(0, int.MaxValue)
                  from minutes in Gen.Choose(-14 * 60, 14 * 60)
                  from refs in Gen.Choose(0, 15)
                  select (instrument, values, drop, hidden, ticks, minutes, refs);
        var tried = 0;
        var property = Prop.ForAll(gen.ToArbitrary(), x =>
        {
            Interlocked.Increment(ref tried);
            var answers = Complete(x.instrument, x.values).Where((_, i) => i % 4 != x.drop)
                .Select(a => a.Value is TextAnswer ? a with { IsPrivate = x.hidden } : a).ToList();
            var authored = new DateTimeOffset(DateTime.SpecifyKind(new DateTime(2026, 1, 1).AddTicks(x.ticks * 1_471L), DateTimeKind.Unspecified), TimeSpan.FromMinutes(x.minutes));
            var details = new ResponseDetails(x.instrument.Raters[x.values[0] % x.instrument.Raters.Count], authored)
            {
                Id = (x.refs & 1) != 0 ? Guid.NewGuid().ToString() : null,
                Subject = (x.refs & 2) != 0 ? $"Patient/{Guid.NewGuid()}" : null,
                Author = (x.refs & 4) != 0 ? $"Practitioner/{Guid.NewGuid()}" : null,
                Encounter = (x.refs & 8) != 0 ? $"Encounter/{Guid.NewGuid()}" : null,
            };
            var scored = ScoredResponse.Create(x.instrument, answers, details);

            var json = QuestionnaireResponseMapper.ToJson(x.instrument, scored);

            var firely = new FhirJsonDeserializer().Deserialize<QuestionnaireResponse>(json);
            Assert.Equal(firely.ToJson(pretty: true), json);
            var stored = QuestionnaireResponseMapper.FromStoredJson(json, Catalog);
            var checkedRead = QuestionnaireResponseMapper.FromJson(json, Catalog);
            Assert.True(stored.Succeeded, string.Join(Environment.NewLine, stored.Errors));
            Assert.True(checkedRead.Succeeded, string.Join(Environment.NewLine, checkedRead.Errors));
            Assert.Equal(json, QuestionnaireResponseMapper.ToJson(x.instrument, stored.Response!));
            Assert.Equal(json, QuestionnaireResponseMapper.ToJson(x.instrument, checkedRead.Response!));
            Assert.Equal(scored.Score, stored.Response!.Score);
            Assert.Equal(authored, stored.Response.Details.Authored);
            Assert.Equal(authored.Offset, stored.Response.Details.Authored.Offset);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true), property);
        output.WriteLine($"{tried} responses written, compared with Firely's text and read back by both readers.");
        Assert.Equal(300, tried);
    }

    [Theory]
    [InlineData("2026-03-14T09:26:53.5897932-05:00")]
    [InlineData("2026-03-14T09:26:53Z")]
    [InlineData("2026-03-14T09:26:53.1Z")]
    [InlineData("2026-03-14T09:26:53+14:00")]
    [InlineData("2026-03-14")]
    [InlineData("2026-03")]
    [InlineData("2026")]
    [InlineData("2026-02-30")]
    [InlineData("2026-03-14T09:26")]
    [InlineData("2026-03-14T25:00:00Z")]
    [InlineData("14/03/2026")]
    [InlineData("yesterday")]
    [InlineData("2026-03-14T09:26:53")]
    [InlineData("2026-03-14T09:26:53.123456789Z")]
    [InlineData("2026-03-14T09:26:53.12345678+02:00")]
    [InlineData("2026-03-14T09:26:60Z")]
    [InlineData("2026-03-14T24:00:00Z")]
    [InlineData(" 2026-03-14T09:26:53Z")]
    [InlineData("2026-03-14t09:26:53z")]
    [InlineData("2026-03-14T09:26:53+5:00")]
    [InlineData("2026-03-14T09:26:53.Z")]
    public void WhenAnsweredIsReadAsFirelyReadsIt(string authored)
    {
        var root = JsonNode.Parse(ReadTestData(Path.Combine("stored", "alliance-check.json")))!;
        root["authored"] = authored;
        var json = root.ToJsonString();
        var firelyReads = new FhirDateTime(authored).TryToDateTimeOffset(out var expected);

        var stored = QuestionnaireResponseMapper.FromStoredJson(json, Catalog);

        Assert.Equal(firelyReads, stored.Succeeded);
        if (firelyReads)
        {
            Assert.Equal(expected, stored.Response!.Details.Authored);
        }
        else
        {
            Assert.Contains(stored.Errors, e => e.Field == "authored" && e.Message == $"\"{authored}\" is not a date and time");
        }
    }

    [Theory]
    [InlineData("", "JSON")]
    [InlineData("{", "JSON")]
    [InlineData("[]", "resourceType")]
    [InlineData("{\"resourceType\":\"Patient\"}", "resourceType")]
    [InlineData("{\"resourceType\":\"QuestionnaireResponse\"}", "questionnaire")]
    [InlineData("{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"https://example.org/q\"}", "questionnaire")]
    public void TextThatIsNoStoredResponseIsRefusedWithTheReason(string json, string field)
    {
        var read = QuestionnaireResponseMapper.FromStoredJson(json, Catalog);

        Assert.False(read.Succeeded);
        Assert.Equal(field, Assert.Single(read.Errors).Field);
    }

    [Fact]
    public void MembersOfTheWrongKindInAStoredResponseAreNamedNotThrown()
    {
        var root = JsonNode.Parse(ReadTestData(Path.Combine("stored", "observer-family.json")))!;
        root["status"] = 3;
        root["item"]![0]!["item"]![1]!["answer"]![0]!["valueInteger"] = "4";
        root["item"]![2] = "shared-purpose";

        var read = QuestionnaireResponseMapper.FromStoredJson(root.ToJsonString(), Catalog);

        Assert.False(read.Succeeded);
        Assert.Equal(
            ["status: only completed or amended responses are scored, not a response without status",
             "engagement[Patient/aaaaaaaa-0000-4000-8000-000000000001]: an answer of type integer is not accepted here",
             "item[2]: an item must be an object"],
            read.Errors.Select(e => e.ToString()));
    }
}
