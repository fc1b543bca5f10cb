// The binary codec: byte sequences from OPC 10000-6, round trips of every built-in type and
// service structure, and malformed input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sample_values.hpp"
#include "twinloop/opcua/binary.hpp"
#include "twinloop/opcua/services.hpp"

namespace twinloop::opcua {
namespace {

using Bytes = std::vector<std::uint8_t>;

template <class T>
T round_trip(const T& value) {
  return decode_from_bytes<T>(encode_to_bytes(value));
}

StatusCode decode_status(const Bytes& bytes, auto decode_one) {
  try {
    Reader reader(bytes);
    decode_one(reader);
  } catch (const Error& error) {
    return error.status();
  }
  return status::Good;
}

// --- Byte sequences written out in OPC 10000-6, 5.2.2 -------------------------------------

TEST(SpecificationBytes, StringIsUtf8WithInt32Length) {
  // 5.2.2.4: the string "水Boy".
  const Bytes expected{0x06, 0x00, 0x00, 0x00, 0xE6, 0xB0, 0xB4, 0x42, 0x6F, 0x79};
  EXPECT_EQ(encode_to_bytes(std::string("\xE6\xB0\xB4"
                                        "Boy")),
            expected);
  EXPECT_EQ(decode_from_bytes<std::string>(expected),
            "\xE6\xB0\xB4"
            "Boy");
}

TEST(SpecificationBytes, Guid) {
  // 5.2.2.7: {72962B91-FA75-4AE6-8D28-B404DC7DAF63}.
  const Bytes expected{0x91, 0x2B, 0x96, 0x72, 0x75, 0xFA, 0xE6, 0x4A,
                       0x8D, 0x28, 0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63};
  const auto guid = Guid::parse("72962B91-FA75-4AE6-8D28-B404DC7DAF63");
  ASSERT_TRUE(guid);
  EXPECT_EQ(encode_to_bytes(*guid), expected);
  EXPECT_EQ(decode_from_bytes<Guid>(expected).to_string(), "72962B91-FA75-4AE6-8D28-B404DC7DAF63");
}

TEST(SpecificationBytes, NodeIdForms) {
  // 5.2.2.9: the two-byte, four-byte, string and GUID examples.
  EXPECT_EQ(encode_to_bytes(NodeId(0, 72u)), (Bytes{0x00, 0x48}));
  EXPECT_EQ(encode_to_bytes(NodeId(5, 1025u)), (Bytes{0x01, 0x05, 0x01, 0x04}));
  EXPECT_EQ(encode_to_bytes(NodeId(1, "Hot\xE6\xB0\xB4")),
            (Bytes{0x03, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x48, 0x6F, 0x74, 0xE6, 0xB0, 0xB4}));
  EXPECT_EQ(encode_to_bytes(NodeId(1, *Guid::parse("72962B91-FA75-4AE6-8D28-B404DC7DAF63"))),
            (Bytes{0x04, 0x01, 0x00, 0x91, 0x2B, 0x96, 0x72, 0x75, 0xFA, 0xE6, 0x4A, 0x8D, 0x28,
                   0xB4, 0x04, 0xDC, 0x7D, 0xAF, 0x63}));
  EXPECT_EQ(decode_from_bytes<NodeId>(Bytes{0x01, 0x05, 0x01, 0x04}), NodeId(5, 1025u));
  // The full numeric form for what the short forms cannot hold.
  EXPECT_EQ(encode_to_bytes(NodeId(300, 7u)), (Bytes{0x02, 0x2C, 0x01, 0x07, 0x00, 0x00, 0x00}));
  EXPECT_EQ(encode_to_bytes(NodeId(0, 70000u)), (Bytes{0x02, 0x00, 0x00, 0x70, 0x11, 0x01, 0x00}));
}

TEST(SpecificationBytes, NullStringAndByteStringHaveLengthMinusOne) {
  EXPECT_EQ(encode_to_bytes(std::string()), (Bytes{0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(encode_to_bytes(ByteString()), (Bytes{0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(decode_from_bytes<std::string>(Bytes{0xFF, 0xFF, 0xFF, 0xFF}), "");
  EXPECT_EQ(decode_from_bytes<std::string>(Bytes{0x00, 0x00, 0x00, 0x00}), "");
}

TEST(SpecificationBytes, BooleanAndNumbersAreLittleEndian) {
  EXPECT_EQ(encode_to_bytes(true), (Bytes{0x01}));
  EXPECT_EQ(encode_to_bytes(std::int16_t{-2}), (Bytes{0xFE, 0xFF}));
  EXPECT_EQ(encode_to_bytes(std::uint32_t{0x01020304}), (Bytes{0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(encode_to_bytes(1.0), (Bytes{0, 0, 0, 0, 0, 0, 0xF0, 0x3F}));
  EXPECT_EQ(encode_to_bytes(1.0f), (Bytes{0, 0, 0x80, 0x3F}));
  // Any non-zero byte is true.
  EXPECT_TRUE(decode_from_bytes<bool>(Bytes{0x05}));
}

TEST(SpecificationBytes, ExpandedNodeIdFlags) {
  ExpandedNodeId id(NodeId(0, 5u));
  id.namespace_uri = "urn:a";
  id.server_index = 2;
  EXPECT_EQ(encode_to_bytes(id), (Bytes{0xC0, 0x05, 0x05, 0x00, 0x00, 0x00, 'u', 'r', 'n', ':', 'a',
                                        0x02, 0x00, 0x00, 0x00}));
  EXPECT_EQ(round_trip(id), id);
}

TEST(SpecificationBytes, VariantScalarAndArray) {
  // Mask: the built-in type id, 0x80 for arrays, 0x40 when dimensions follow.
  EXPECT_EQ(encode_to_bytes(Variant(std::int32_t{1})), (Bytes{0x06, 0x01, 0x00, 0x00, 0x00}));
  EXPECT_EQ(encode_to_bytes(Variant(std::vector<bool>{true, false})),
            (Bytes{0x81, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00}));
  EXPECT_EQ(encode_to_bytes(Variant(std::vector<std::uint8_t>{1, 2, 3, 4}, {2, 2})),
            (Bytes{0xC3, 0x04, 0x00, 0x00, 0x00, 1,    2,    3,    4,    0x02, 0x00,
                   0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}));
  EXPECT_EQ(encode_to_bytes(Variant()), (Bytes{0x00}));
}

TEST(SpecificationBytes, DataValueMaskOrdersFields) {
  DataValue value(Variant(2.5));
  value.status = status::BadNodeIdUnknown;
  value.source_timestamp = DateTime{1};
  value.source_picoseconds = 3;
  value.server_timestamp = DateTime{2};
  const Bytes bytes = encode_to_bytes(value);
  const Bytes expected{0x1F, 0x0B, 0, 0, 0, 0, 0, 0, 0x04, 0x40, 0x00, 0x00, 0x34, 0x80, 1, 0,
                       0,    0,    0, 0, 0, 0, 3, 0, 2,    0,    0,    0,    0,    0,    0, 0};
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(round_trip(value), value);
}

TEST(SpecificationBytes, LocalizedTextAndQualifiedName) {
  EXPECT_EQ(encode_to_bytes(LocalizedText("en", "Hi")),
            (Bytes{0x03, 0x02, 0, 0, 0, 'e', 'n', 0x02, 0, 0, 0, 'H', 'i'}));
  EXPECT_EQ(encode_to_bytes(LocalizedText("", "Hi")), (Bytes{0x02, 0x02, 0, 0, 0, 'H', 'i'}));
  EXPECT_EQ(encode_to_bytes(QualifiedName(2, "x")), (Bytes{0x02, 0x00, 0x01, 0, 0, 0, 'x'}));
}

TEST(SpecificationBytes, ExtensionObjectWithBinaryBody) {
  AnonymousIdentityToken token{"anonymous"};
  const ExtensionObject object = to_extension_object(token);
  const Bytes bytes = encode_to_bytes(object);
  // TypeId 321 needs the four-byte form; encoding 1; Int32 length 13; the policy id string.
  const Bytes expected{0x01, 0x00, 0x41, 0x01, 0x01, 0x0D, 0x00, 0x00, 0x00, 0x09, 0x00,
                       0x00, 0x00, 'a',  'n',  'o',  'n',  'y',  'm',  'o',  'u',  's'};
  EXPECT_EQ(bytes, expected);
  const auto decoded =
      from_extension_object<AnonymousIdentityToken>(decode_from_bytes<ExtensionObject>(bytes));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->policy_id, "anonymous");
  EXPECT_FALSE(from_extension_object<UserNameIdentityToken>(object));
}

TEST(SpecificationBytes, DiagnosticInfoFieldOrderDiffersFromMaskOrder) {
  DiagnosticInfo info;
  info.localized_text = 1;
  info.locale = 2;
  // Mask 0x0C; Locale is written before LocalizedText.
  EXPECT_EQ(encode_to_bytes(info), (Bytes{0x0C, 2, 0, 0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(round_trip(info), info);
}

// --- Round trips of every built-in type ------------------------------------------------------

TEST(BuiltinRoundTrip, EveryScalarInAVariant) {
  DataValue inner(Variant(std::int16_t{-5}));
  inner.server_timestamp = DateTime::now();
  DiagnosticInfo diagnostic;
  diagnostic.symbolic_id = 4;
  diagnostic.additional_info = "more";
  diagnostic.inner_status_code = status::BadTimeout;
  DiagnosticInfo nested;
  nested.namespace_uri = 1;
  diagnostic.inner_diagnostic_info = Box<DiagnosticInfo>(nested);
  ExtensionObject object;
  object.type_id = NodeId(1, "MyType");
  object.encoding = ExtensionObject::Encoding::Binary;
  object.body = {1, 2, 3};
  ExpandedNodeId expanded(NodeId(3, ByteString({0xDE, 0xAD})));
  expanded.server_index = 9;

  const std::vector<Variant> values{
      Variant(true),
      Variant(std::int8_t{-8}),
      Variant(std::uint8_t{200}),
      Variant(std::int16_t{-1600}),
      Variant(std::uint16_t{60000}),
      Variant(std::int32_t{-2'000'000'000}),
      Variant(std::uint32_t{4'000'000'000u}),
      Variant(std::int64_t{std::numeric_limits<std::int64_t>::min()}),
      Variant(std::uint64_t{std::numeric_limits<std::uint64_t>::max()}),
      Variant(3.25f),
      Variant(-1e300),
      Variant(std::string("twinloop")),
      Variant(DateTime::from_unix_nanoseconds(1'700'000'000'000'000'000)),
      Variant(*Guid::parse("72962b91-fa75-4ae6-8d28-b404dc7daf63")),
      Variant(ByteString({0, 1, 255})),
      Variant(XmlElement{"<a/>"}),
      Variant(NodeId(2, "Line.Motor.speed")),
      Variant(expanded),
      Variant(status::BadTypeMismatch),
      Variant(QualifiedName(1, "speed")),
      Variant(LocalizedText("de", "Drehzahl")),
      Variant(object),
      Variant(inner),
      Variant::nest(Variant(1.5)),
      Variant(diagnostic),
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(values[i].type()), i + 1);
    EXPECT_EQ(round_trip(values[i]), values[i]) << builtin_type_name(values[i].type());
  }
}

TEST(BuiltinRoundTrip, ArraysOfEveryType) {
  const std::vector<Variant> arrays{
      Variant(std::vector<bool>{true, false, true}),
      Variant(std::vector<std::int8_t>{-1, 2}),
      Variant(std::vector<std::uint8_t>{1, 2}),
      Variant(std::vector<std::int16_t>{-3}),
      Variant(std::vector<std::uint16_t>{4}),
      Variant(std::vector<std::int32_t>{5, 6, 7}),
      Variant(std::vector<std::uint32_t>{8}),
      Variant(std::vector<std::int64_t>{-9}),
      Variant(std::vector<std::uint64_t>{10}),
      Variant(std::vector<float>{1.5f}),
      Variant(std::vector<double>{2.5, -0.0, std::numeric_limits<double>::infinity()}),
      Variant(std::vector<std::string>{"a", "b"}),
      Variant(std::vector<DateTime>{DateTime{5}}),
      Variant(std::vector<Guid>{Guid{}}),
      Variant(std::vector<ByteString>{ByteString({1})}),
      Variant(std::vector<XmlElement>{{"<x/>"}}),
      Variant(std::vector<NodeId>{NodeId(85u), NodeId(1, "x")}),
      Variant(std::vector<ExpandedNodeId>{ExpandedNodeId(NodeId(2u))}),
      Variant(std::vector<StatusCode>{status::Good, status::BadTimeout}),
      Variant(std::vector<QualifiedName>{QualifiedName(0, "q")}),
      Variant(std::vector<LocalizedText>{LocalizedText("", "t")}),
      Variant(std::vector<ExtensionObject>{ExtensionObject{}}),
      Variant(std::vector<DataValue>{DataValue(Variant(1.0)), DataValue::bad(status::Bad)}),
      Variant(std::vector<Variant>{Variant(1.0), Variant("two"), Variant()}),
      Variant(std::vector<DiagnosticInfo>{DiagnosticInfo{}}),
  };
  for (const auto& array : arrays) {
    EXPECT_TRUE(array.is_array());
    EXPECT_EQ(round_trip(array), array) << builtin_type_name(array.type());
  }
}

TEST(BuiltinRoundTrip, MultiDimensionalArray) {
  const Variant matrix(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
  const Variant decoded = round_trip(matrix);
  EXPECT_EQ(decoded, matrix);
  EXPECT_EQ(decoded.dimensions(), (std::vector<std::int32_t>{2, 3}));
}

TEST(BuiltinRoundTrip, NaNSurvivesBitForBit) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Variant decoded = round_trip(Variant(nan));
  ASSERT_TRUE(decoded.scalar<double>());
  EXPECT_TRUE(std::isnan(*decoded.scalar<double>()));
}

TEST(NodeIdText, ParsesAndPrintsEveryForm) {
  for (const char* text : {"i=85", "ns=1;i=70000", "ns=1;s=Line.Motor.speed",
                           "ns=2;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63", "ns=3;b=3q2+7w=="}) {
    const auto id = NodeId::parse(text);
    ASSERT_TRUE(id) << text;
    EXPECT_EQ(id->to_string(), text);
    EXPECT_EQ(round_trip(*id), *id);
  }
  for (const char* bad :
       {"", "i=", "x=1", "ns=;i=1", "ns=70000;i=1", "i=abc", "ns=1", "g=123", "b=***"}) {
    EXPECT_FALSE(NodeId::parse(bad)) << bad;
  }
  EXPECT_EQ(NodeId::parse("s=with;semicolon=inside")->string()->size(), 21u);
}

// --- Every service structure ------------------------------------------------------------------

template <class T>
class ServiceStructureTest : public ::testing::Test {};

using ServiceStructures = samples::AllServiceStructures<::testing::Types>;
using samples::fill;
TYPED_TEST_SUITE(ServiceStructureTest, ServiceStructures);

TYPED_TEST(ServiceStructureTest, RoundTripKeepsEveryField) {
  TypeParam filled{};
  fill(filled);
  const Bytes bytes = encode_to_bytes(filled);
  EXPECT_NE(bytes, encode_to_bytes(TypeParam{})) << "fill left every field at its default";
  const TypeParam decoded = decode_from_bytes<TypeParam>(bytes);
  EXPECT_EQ(encode_to_bytes(decoded), bytes);
}

TYPED_TEST(ServiceStructureTest, EveryTruncationIsADecodingError) {
  TypeParam filled{};
  fill(filled);
  const Bytes bytes = encode_to_bytes(filled);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    const StatusCode result = decode_status(prefix, [](Reader& r) {
      TypeParam value{};
      decode(r, value);
    });
    EXPECT_TRUE(result.is_bad()) << "a prefix of " << size << " of " << bytes.size() << " bytes";
  }
}

// --- Malformed input ---------------------------------------------------------------------------

TEST(MalformedInput, LengthsBeyondTheInputOrLimits) {
  const Bytes huge_string{0xFF, 0xFF, 0xFF, 0x7F, 'a'};
  EXPECT_EQ(decode_status(huge_string,
                          [](Reader& r) {
                            std::string s;
                            decode(r, s);
                          }),
            status::BadEncodingLimitsExceeded);
  const Bytes long_string{0x10, 0x00, 0x00, 0x00, 'a'};
  EXPECT_EQ(decode_status(long_string,
                          [](Reader& r) {
                            std::string s;
                            decode(r, s);
                          }),
            status::BadDecodingError);
  const Bytes negative{0xFE, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(decode_status(negative,
                          [](Reader& r) {
                            std::vector<double> v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
  const Bytes many{0x00, 0x00, 0x10, 0x00, 0x01};
  EXPECT_EQ(decode_status(many,
                          [](Reader& r) {
                            std::vector<bool> v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
}

TEST(MalformedInput, UnknownEncodings) {
  EXPECT_EQ(decode_status(Bytes{0x07, 0x00},
                          [](Reader& r) {
                            NodeId id;
                            decode(r, id);
                          }),
            status::BadDecodingError);
  EXPECT_EQ(decode_status(Bytes{0x1A},
                          [](Reader& r) {
                            Variant v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
  EXPECT_EQ(decode_status(Bytes{0x80, 0x00, 0x00, 0x00, 0x00},
                          [](Reader& r) {
                            Variant v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
  EXPECT_EQ(decode_status(Bytes{0x00, 0x01, 0x03},
                          [](Reader& r) {
                            ExtensionObject e;
                            decode(r, e);
                          }),
            status::BadDecodingError);
  // NodeId with ExpandedNodeId flags.
  EXPECT_EQ(decode_status(Bytes{0x80, 0x01},
                          [](Reader& r) {
                            NodeId id;
                            decode(r, id);
                          }),
            status::BadDecodingError);
}

TEST(MalformedInput, ArrayDimensionsMustMatchTheElements) {
  Bytes bytes = encode_to_bytes(Variant(std::vector<std::uint8_t>{1, 2, 3, 4}, {2, 2}));
  bytes[bytes.size() - 4] = 3;  // 2 x 3 != 4
  EXPECT_EQ(decode_status(bytes,
                          [](Reader& r) {
                            Variant v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
  // Dimensions on a scalar.
  EXPECT_EQ(decode_status(Bytes{0x43, 0x01, 0x01, 0, 0, 0, 1, 0, 0, 0},
                          [](Reader& r) {
                            Variant v;
                            decode(r, v);
                          }),
            status::BadDecodingError);
}

TEST(MalformedInput, DeepNestingIsRefusedNotOverflowed) {
  // A Variant holding a Variant holding ... 100000 times.
  Bytes bytes(100000, 0x18);
  bytes.push_back(0x00);
  EXPECT_EQ(decode_status(bytes,
                          [](Reader& r) {
                            Variant v;
                            decode(r, v);
                          }),
            status::BadEncodingLimitsExceeded);
  Bytes diagnostics(100000, 0x40);
  diagnostics.push_back(0x00);
  EXPECT_EQ(decode_status(diagnostics,
                          [](Reader& r) {
                            DiagnosticInfo d;
                            decode(r, d);
                          }),
            status::BadEncodingLimitsExceeded);
}

TEST(MalformedInput, LeftoverBytesAreAnError) {
  EXPECT_THROW(decode_from_bytes<std::uint16_t>(Bytes{1, 2, 3}), Error);
}

TEST(StatusCodes, NamesAndSeverity) {
  EXPECT_EQ(status::BadNodeIdUnknown.name(), "BadNodeIdUnknown");
  EXPECT_EQ(status::Good.name(), "Good");
  EXPECT_EQ(StatusCode(0x80340400).name(), "BadNodeIdUnknown");  // info bits ignored
  EXPECT_EQ(StatusCode(0x81230000).name(), "0x81230000");
  EXPECT_TRUE(status::BadTimeout.is_bad());
  EXPECT_TRUE(status::Uncertain.is_uncertain());
  EXPECT_TRUE(status::GoodClamped.is_good());
  const Error error(status::BadTimeout, "no answer");
  EXPECT_STREQ(error.what(), "BadTimeout: no answer");
}

TEST(DateTimes, UnixConversionAndText) {
  const DateTime time = DateTime::from_unix_nanoseconds(0);
  EXPECT_EQ(time.ticks, DateTime::kUnixEpochTicks);
  EXPECT_EQ(time.to_iso8601(), "1970-01-01T00:00:00.0000000Z");
  EXPECT_EQ(DateTime::from_unix_nanoseconds(1'500'000'000'123'456'700).unix_nanoseconds(),
            1'500'000'000'123'456'700);
  // A server may send any Int64; those at or before 1601 mean "no time".
  EXPECT_EQ(DateTime{std::numeric_limits<std::int64_t>::min()}.to_iso8601(), "");
  EXPECT_EQ(DateTime{-1}.to_iso8601(), "");
  using Int64 = std::numeric_limits<std::int64_t>;
  EXPECT_LT(DateTime{Int64::min()}.unix_nanoseconds(), 0);
  EXPECT_GT(DateTime{Int64::max()}.unix_nanoseconds(), 0);
}

}  // namespace
}  // namespace twinloop::opcua
